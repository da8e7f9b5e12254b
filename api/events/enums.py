"""Kinds and states of events and registrations, and the plan's legend groups."""

from enum import StrEnum


class EventKind(StrEnum):
    theme_meeting = "theme_meeting"  # temamøde
    workshop = "workshop"
    development_course = "development_course"  # udviklingsforløb (can have several sessions)
    entrepreneur_event = "entrepreneur_event"  # iværksætterarrangement
    network_meeting = "network_meeting"  # netværksmøde
    conference = "conference"  # konference
    fair = "fair"  # karrieremesse
    company_visit = "company_visit"  # virksomhedsbesøg
    other = "other"


class EventStatus(StrEnum):
    planned = "planned"
    held = "held"
    cancelled = "cancelled"


class RegistrationStatus(StrEnum):
    registered = "registered"
    waitlisted = "waitlisted"
    attended = "attended"
    no_show = "no_show"
    cancelled = "cancelled"


class ParticipantType(StrEnum):
    """Who a registered participant is; a goal can count only some types."""

    company_representative = "company_representative"  # virksomhedsrepræsentant
    citizen = "citizen"  # borger
    pupil = "pupil"  # elev
    other = "other"  # andet


PARTICIPANT_TYPE_LABELS = {
    ParticipantType.company_representative: "Virksomhedsrepræsentant",
    ParticipantType.citizen: "Borger",
    ParticipantType.pupil: "Elev",
    ParticipantType.other: "Andet",
}


class CalendarGroup(StrEnum):
    """The legend of the plan's annual wheel (årshjul)."""

    events = "events"  # Temamøder og events
    entrepreneurs = "entrepreneurs"  # Iværksætterarrangementer
    courses = "courses"  # Udviklingsforløb


CALENDAR_GROUP_LABELS = {
    CalendarGroup.events: "Temamøder og events",
    CalendarGroup.entrepreneurs: "Iværksætterarrangementer",
    CalendarGroup.courses: "Udviklingsforløb",
}

CALENDAR_GROUP_OF_KIND = {
    EventKind.entrepreneur_event: CalendarGroup.entrepreneurs,
    EventKind.development_course: CalendarGroup.courses,
}  # every other kind is a theme meeting or event

# Registrations that hold a seat.
SEATED = (RegistrationStatus.registered, RegistrationStatus.attended, RegistrationStatus.no_show)
