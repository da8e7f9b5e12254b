"""Events and their participants: companies (CVR), people (personal data), registrations."""
