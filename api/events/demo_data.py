"""The tables the demonstration data set is generated from (see `api.events.demo`)."""

from typing import NamedTuple

from api.events.enums import EventKind, RegistrationStatus

TRADES = ("Tømrer", "Maler", "Bager", "Revision", "Elektriker", "VVS", "Arkitekter", "Café")
FIRST_NAMES = ("Anne", "Mette", "Camilla", "Sofie", "Ida", "Lars", "Jens", "Søren", "Mikkel")
LAST_NAMES = ("Jensen", "Nielsen", "Hansen", "Pedersen", "Larsen", "Sørensen", "Madsen", "Olsen")
TOWNS = (("Lejre", "4320"), ("Hvalsø", "4330"), ("Kirke Hyllinge", "4070"), ("Kirke Såby", "4060"))
LOCATIONS = ("Lejre Rådhus", "Hvalsø Bibliotek", "Kulturstationen Hvalsø", "Online")


class KindPlan(NamedTuple):
    hour: int  # local start time
    hours: int
    capacity: int | None
    codes: tuple[str, ...]  # the initiatives such an event serves, by code
    weight: int  # how common the kind is among the generated events


KINDS = {
    EventKind.theme_meeting: KindPlan(16, 2, 40, ("3.7", "1.1", "3.2"), 30),
    EventKind.workshop: KindPlan(13, 3, 25, ("1.2", "3.2"), 20),
    EventKind.development_course: KindPlan(9, 3, 20, ("2.1", "3.2"), 8),
    EventKind.entrepreneur_event: KindPlan(17, 2, 30, ("2.2", "2.3", "2.5", "2.6"), 15),
    EventKind.network_meeting: KindPlan(8, 2, 40, ("2.2", "1.4", "3.8"), 15),
    EventKind.conference: KindPlan(9, 7, 150, ("3.5",), 2),
    EventKind.fair: KindPlan(10, 6, 120, ("3.4",), 3),
    EventKind.other: KindPlan(14, 2, None, ("3.8",), 4),
}
TITLES = {
    EventKind.theme_meeting: (
        "Temamøde: Digital markedsføring",
        "Temamøde: Rekruttering og fastholdelse",
        "Temamøde: Tilskud fra Erhvervshus Sjælland",
        "Temamøde: Kunstig intelligens i hverdagen",
    ),
    EventKind.workshop: ("Workshop: CO2-regnskab", "Workshop: Forretningsplan på en dag"),
    EventKind.development_course: ("Udviklingsforløb: Vækst i små virksomheder",),
    EventKind.entrepreneur_event: ("Iværksættercafé", "Kvindelige iværksættere mødes"),
    EventKind.network_meeting: ("Morgenmøde for erhvervslivet", "Netværk for soloiværksættere"),
    EventKind.conference: ("Konference: Fremtidens erhverv i Lejre",),
    EventKind.fair: ("Karrieremesse for unge",),
    EventKind.other: ("Åbent hus i erhvervsservicen",),
}


class DemoSeries(NamedTuple):
    key: str  # as the plan file declares it
    name: str


# (series, ISO week, initiative code, [(ISO weekday, kind, title, local hour)])
SERIES = (
    (
        DemoSeries("klimaugen-2026", "Klimaugen 2026"),
        40,
        "1.3",
        (
            (1, EventKind.theme_meeting, "Klimaugen: Tilskud til grøn omstilling", 8),
            (2, EventKind.workshop, "Klimaugen: Workshop om CO2-regnskab", 13),
            (3, EventKind.network_meeting, "Klimaugen: Grønne værdikæder", 8),
            (4, EventKind.workshop, "Klimaugen: Cirkulær økonomi i praksis", 13),
            (5, EventKind.theme_meeting, "Klimaugen: Energi og ressourcer", 9),
        ),
    ),
    (
        DemoSeries("ivaerksaetteruge-46", "Iværksætteruge 46"),
        46,
        "2.4",
        (
            (1, EventKind.entrepreneur_event, "Iværksætteruge 46: Fra idé til virksomhed", 17),
            (2, EventKind.workshop, "Iværksætteruge 46: Skoleworkshop om iværksætteri", 10),
            (3, EventKind.theme_meeting, "Iværksætteruge 46: Foredrag på biblioteket", 19),
            (4, EventKind.entrepreneur_event, "Iværksætteruge 46: Iværksættercafé", 17),
            (5, EventKind.network_meeting, "Iværksætteruge 46: Netværk for kvinder", 8),
        ),
    ),
)
VISITS, MAYOR_VISITS = 6, 4
# How registrations turn out (weights): for an event held, and for one still to come.
HELD_OUTCOMES = {
    RegistrationStatus.attended: 78,
    RegistrationStatus.no_show: 15,
    RegistrationStatus.cancelled: 7,
}
PLANNED_OUTCOMES = {RegistrationStatus.registered: 93, RegistrationStatus.cancelled: 7}
