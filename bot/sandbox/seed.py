"""The sandbox's seeded world: a university, an independent lab, their instruments and bookings.

Everything here is pure: `build_world(today, seed)` always returns the same world for the same
arguments, so tests can pin `today` and assert on exact data. The world is cached per
(today, seed) and never mutated, so many sandboxes in one test run share one copy.

The shape is chosen to stress a client the way the real API would: thousands of bookings in
one lab (50+ pages), an instrument with hundreds of bookings, two instruments with the same
name in different labs, three time zones, non-ASCII names, runs that cross local midnight,
cancelled bookings overlapping live ones, and lists in a stable but unsorted order.
"""

from __future__ import annotations

import functools
import random
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import TypeVar
from zoneinfo import ZoneInfo

FIRST_BOOKING_ID = 7961782
DAYS_AROUND_TODAY = 30
ACTIVE_STATUSES = frozenset({"requested", "approved", "completed", "ordered"})


@dataclass(frozen=True)
class Ref:
    """The `{id, name}` pair the API uses for every reference."""

    id: int
    name: str

    def json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class Account:
    """An organisation, department or lab; labs carry the location their bookings live in."""

    id: int
    name: str
    account_type: str
    sector: str
    description: str | None
    timezone: str
    department_id: int | None = None
    organisation_id: int | None = None
    city: str = "London"
    country: str = "United Kingdom"
    currency: str = "GBP"

    @property
    def ref(self) -> Ref:
        return Ref(self.id, self.name)


@dataclass(frozen=True)
class User:
    id: int
    first_name: str
    last_name: str
    email: str | None
    lab_ids: tuple[int, ...]
    title: str
    research_group: Ref | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Equipment:
    id: int
    name: str
    lab_id: int
    manufacturer: str | None
    model: str | None
    room: str | None
    description: str | None
    category: str | None
    sub_category: Ref | None
    contact_person_id: int | None
    charging_type: str | None
    rate: float
    manufacturing_year: str | None
    serial_number: str | None
    availability_status: str = "Available"


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    lab_id: int
    equipment_ids: tuple[int, ...]


@dataclass(frozen=True)
class Booking:
    id: int
    equipment_id: int
    provider_lab_id: int
    status: str
    booking_type: str
    category: str | None
    start: datetime
    end: datetime
    notes: str | None
    requester_id: int | None
    requester_account_id: int | None
    group: Ref | None
    project: Ref | None
    cost: str | None
    currency: str | None
    requested_at: datetime | None
    cancelled_by: int | None = None
    """Who cancelled it, once someone has (the sandbox's moves set it; seeded ones name nobody)."""

    @property
    def duration(self) -> int:
        """Minutes, as the API reports them."""
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def active(self) -> bool:
        """Whether it holds the instrument (cancelled and declined bookings do not)."""
        return self.status in ACTIVE_STATUSES


# --- The fixed cast -------------------------------------------------------------------------

ORGANISATION = 101
BIOCHEMISTRY, CHEMISTRY = 102, 103
GENOMICS, STRUCTURAL, MASS_SPEC, NMR, TOKYO = 104, 105, 106, 107, 108
HUDSON = 109

_LONDON = "Europe/London"

_ACCOUNTS: tuple[Account, ...] = (
    Account(
        ORGANISATION,
        "Northbridge University",
        "organisation",
        "academia",
        "A research university with shared core facilities across two campuses.",
        _LONDON,
    ),
    Account(
        BIOCHEMISTRY,
        "Department of Biochemistry",
        "department",
        "academia",
        None,
        _LONDON,
        organisation_id=ORGANISATION,
    ),
    Account(
        CHEMISTRY,
        "Department of Chemistry",
        "department",
        "academia",
        "Analytical chemistry, spectroscopy and chemical biology.",
        _LONDON,
        organisation_id=ORGANISATION,
    ),
    Account(
        GENOMICS,
        "Genomics Core Facility",
        "lab",
        "academia",
        "Sequencing, sample QC and library preparation for the whole university.",
        _LONDON,
        department_id=BIOCHEMISTRY,
        organisation_id=ORGANISATION,
    ),
    Account(
        STRUCTURAL,
        "Structural Biology Lab",
        "lab",
        "academia",
        None,
        _LONDON,
        department_id=BIOCHEMISTRY,
        organisation_id=ORGANISATION,
    ),
    Account(
        MASS_SPEC,
        "Mass Spectrometry Facility",
        "lab",
        "academia",
        "Proteomics and small-molecule mass spectrometry.",
        _LONDON,
        department_id=CHEMISTRY,
        organisation_id=ORGANISATION,
    ),
    Account(
        NMR,
        "NMR Facility",
        "lab",
        "academia",
        "Solution-state NMR at 600 and 800 MHz.",
        _LONDON,
        department_id=CHEMISTRY,
        organisation_id=ORGANISATION,
    ),
    Account(
        TOKYO,
        "Northbridge Tokyo Imaging Centre",
        "lab",
        "academia",
        "Light and electron microscopy at the university's Tokyo campus.",
        "Asia/Tokyo",
        organisation_id=ORGANISATION,
        city="Tokyo",
        country="Japan",
        currency="JPY",
    ),
    Account(
        HUDSON,
        "Hudson Valley Biolabs",
        "lab",
        "industry",
        "An independent contract research lab.",
        "America/New_York",
        city="New York",
        country="United States",
        currency="USD",
    ),
)

DEMO_USER_ID = 15001
_MANAGER_ID = 15002

_RESEARCH_GROUPS = {
    "genomics": Ref(401, "Functional Genomics Group"),
    "rna": Ref(402, "RNA Biology Group"),
    "structure": Ref(403, "Protein Structure Group"),
    "proteomics": Ref(404, "Proteomics Group"),
    "imaging": Ref(405, "Cell Imaging Group"),
    "hudson": Ref(406, "Assay Development Team"),
}

_USERS: tuple[User, ...] = (
    User(
        DEMO_USER_ID,
        "Zoë",
        "Ångström",
        "zoe.angstrom@northbridge.ac.uk",
        (GENOMICS, STRUCTURAL),
        "Research scientist",
        _RESEARCH_GROUPS["genomics"],
    ),
    User(
        _MANAGER_ID,
        "Margaret",
        "Okafor",
        "margaret.okafor@northbridge.ac.uk",
        (GENOMICS, STRUCTURAL, MASS_SPEC, NMR, TOKYO),
        "Core facilities manager",
        None,
    ),
    User(
        15003,
        "José",
        "Núñez",
        "jose.nunez@northbridge.ac.uk",
        (GENOMICS,),
        "Sequencing technician",
        None,
    ),
    User(
        15004,
        "Siobhán",
        "Ní Bhriain",
        "siobhan.nibhriain@northbridge.ac.uk",
        (GENOMICS,),
        "Postdoctoral researcher",
        _RESEARCH_GROUPS["rna"],
    ),
    User(
        15005,
        "Daniel",
        "O'Brien",
        "daniel.obrien@northbridge.ac.uk",
        (GENOMICS,),
        "PhD student",
        _RESEARCH_GROUPS["genomics"],
    ),
    User(
        15006,
        "Amara",
        "Nwosu",
        "amara.nwosu@northbridge.ac.uk",
        (GENOMICS, MASS_SPEC),
        "Research fellow",
        _RESEARCH_GROUPS["proteomics"],
    ),
    User(
        15007,
        "Priya",
        "Raghunathan",
        "priya.raghunathan@northbridge.ac.uk",
        (STRUCTURAL,),
        "Lab technician",
        _RESEARCH_GROUPS["structure"],
    ),
    User(
        15008,
        "Łukasz",
        "Wróbel",
        "lukasz.wrobel@northbridge.ac.uk",
        (MASS_SPEC, NMR),
        "Spectroscopy specialist",
        _RESEARCH_GROUPS["proteomics"],
    ),
    User(
        15009,
        "Thị Hương",
        "Nguyễn",
        "huong.nguyen@tokyo.northbridge.ac.uk",
        (TOKYO,),
        "Imaging scientist",
        _RESEARCH_GROUPS["imaging"],
    ),
    User(
        15010,
        "Kenji",
        "Satō",
        "kenji.sato@tokyo.northbridge.ac.uk",
        (TOKYO,),
        "Imaging facility manager",
        _RESEARCH_GROUPS["imaging"],
    ),
    User(
        15011,
        "Emily",
        "Carter",
        "emily.carter@hudsonvalleybiolabs.com",
        (HUDSON,),
        "Senior scientist",
        _RESEARCH_GROUPS["hudson"],
    ),
    User(
        15012,
        "Marcus",
        "Whitfield",
        "marcus.whitfield@hudsonvalleybiolabs.com",
        (HUDSON,),
        "Lab manager",
        _RESEARCH_GROUPS["hudson"],
    ),
)

_ROSTER_FIRST_ID = 15100

# People who book but never sign in to the sandbox: a core facility has far more users than
# the dozen demo accounts, and they keep the demo user's day readable.
_ROSTER_NAMES: tuple[tuple[int, str, str, str | None], ...] = (
    (GENOMICS, "Oliver", "Bennett", "northbridge.ac.uk"),
    (GENOMICS, "Aisha", "Rahman", "northbridge.ac.uk"),
    (GENOMICS, "Wei", "Chen", "northbridge.ac.uk"),
    (GENOMICS, "Fatima", "Al-Sayed", "northbridge.ac.uk"),
    (GENOMICS, "Jonas", "Müller", "northbridge.ac.uk"),
    (GENOMICS, "Grace", "Adeyemi", "northbridge.ac.uk"),
    (GENOMICS, "Mateo", "García", "northbridge.ac.uk"),
    (GENOMICS, "Hannah", "Schmidt", None),
    (GENOMICS, "Ravi", "Patel", "northbridge.ac.uk"),
    (GENOMICS, "Élodie", "Martin", "northbridge.ac.uk"),
    (GENOMICS, "Sam", "Taylor", "northbridge.ac.uk"),
    (GENOMICS, "Yuki", "Tanaka", "northbridge.ac.uk"),
    (STRUCTURAL, "Ana", "Costa", "northbridge.ac.uk"),
    (STRUCTURAL, "Ben", "Harris", "northbridge.ac.uk"),
    (STRUCTURAL, "Leila", "Haddad", "northbridge.ac.uk"),
    (STRUCTURAL, "Magnus", "Eriksson", "northbridge.ac.uk"),
    (STRUCTURAL, "Chloe", "Wright", "northbridge.ac.uk"),
    (MASS_SPEC, "Pedro", "Alves", "northbridge.ac.uk"),
    (MASS_SPEC, "Inès", "Kowalczyk", "northbridge.ac.uk"),
    (MASS_SPEC, "Tom", "Fletcher", "northbridge.ac.uk"),
    (MASS_SPEC, "Mei", "Lin", "northbridge.ac.uk"),
    (NMR, "Rosa", "Bianchi", "northbridge.ac.uk"),
    (NMR, "Arjun", "Mehta", "northbridge.ac.uk"),
    (NMR, "Freya", "Lindqvist", "northbridge.ac.uk"),
    (TOKYO, "Haruka", "Yamamoto", "tokyo.northbridge.ac.uk"),
    (TOKYO, "Takumi", "Suzuki", "tokyo.northbridge.ac.uk"),
    (TOKYO, "Mina", "Park", "tokyo.northbridge.ac.uk"),
    (TOKYO, "Daichi", "Kobayashi", "tokyo.northbridge.ac.uk"),
    (TOKYO, "Sakura", "Itō", "tokyo.northbridge.ac.uk"),
    (HUDSON, "Jordan", "Reyes", "hudsonvalleybiolabs.com"),
    (HUDSON, "Kayla", "Brooks", "hudsonvalleybiolabs.com"),
    (HUDSON, "Andre", "Thompson", "hudsonvalleybiolabs.com"),
    (HUDSON, "Lucy", "Nguyen", "hudsonvalleybiolabs.com"),
)

_LAB_GROUP = {
    GENOMICS: _RESEARCH_GROUPS["genomics"],
    STRUCTURAL: _RESEARCH_GROUPS["structure"],
    MASS_SPEC: _RESEARCH_GROUPS["proteomics"],
    NMR: _RESEARCH_GROUPS["proteomics"],
    TOKYO: _RESEARCH_GROUPS["imaging"],
    HUDSON: _RESEARCH_GROUPS["hudson"],
}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


_ROSTER: tuple[User, ...] = tuple(
    User(
        _ROSTER_FIRST_ID + index,
        first,
        last,
        None if domain is None else f"{_ascii(first)}.{_ascii(last).replace('-', '')}@{domain}",
        (lab_id,),
        "",
        _LAB_GROUP[lab_id],
    )
    for index, (lab_id, first, last, domain) in enumerate(_ROSTER_NAMES)
)
_PEOPLE: tuple[User, ...] = _USERS + _ROSTER

_SUB = {
    "ngs": Ref(301, "Next-Generation Sequencing"),
    "qc": Ref(302, "Nucleic Acid QC"),
    "pcr": Ref(303, "Real-Time PCR"),
    "centrifuge": Ref(304, "Centrifuges"),
    "prep": Ref(305, "Sample Preparation"),
    "ms": Ref(306, "Mass Spectrometers"),
    "nmr": Ref(307, "NMR Spectrometers"),
    "confocal": Ref(308, "Confocal Microscopes"),
    "em": Ref(309, "Electron Microscopes"),
    "flow": Ref(310, "Cell Sorters"),
    "chromatography": Ref(311, "Chromatography"),
    "plate": Ref(312, "Plate Readers"),
    "biophysics": Ref(313, "Biomolecular Interaction"),
}


@dataclass(frozen=True)
class _Profile:
    """How an instrument gets booked: slot lengths, how full the day is, overnight runs."""

    durations: tuple[int, ...]
    fill: float
    opens: int = 8 * 60
    closes: int = 19 * 60
    weekend: float = 0.3
    overnight: float = 0.0


_SHORT = _Profile((30,), fill=0.93, opens=7 * 60, closes=21 * 60, weekend=0.9)
_QUICK = _Profile((30, 30, 60), fill=0.9, opens=7 * 60 + 30, closes=20 * 60, weekend=0.8)
_BENCH = _Profile((30, 60, 60, 90), fill=0.85, opens=8 * 60, closes=20 * 60, weekend=0.7)
_PLATE = _Profile((60, 90, 120, 150), fill=0.8, weekend=0.5)
_RUN = _Profile((120, 180, 240, 300), fill=0.6, weekend=0.3, overnight=0.45)
_LONG_RUN = _Profile((240, 360, 480, 540), fill=0.5, weekend=0.3, overnight=0.6)
_SESSION = _Profile((60, 120, 180, 240), fill=0.6, opens=9 * 60, closes=18 * 60, weekend=0.15)
_QUIET = _Profile((60, 120, 240), fill=0.35, opens=9 * 60, closes=17 * 60, weekend=0.05)


@dataclass(frozen=True)
class _Instrument:
    equipment: Equipment
    profile: _Profile


def _instrument(
    equipment_id: int,
    lab_id: int,
    name: str,
    maker_model: tuple[str | None, str | None],
    room: str | None,
    description: str | None,
    kind: tuple[str | None, Ref | None],
    contact: int | None,
    charging: tuple[str | None, float],
    made: tuple[str | None, str | None],
    profile: _Profile,
    status: str = "Available",
) -> _Instrument:
    return _Instrument(
        Equipment(
            id=equipment_id,
            name=name,
            lab_id=lab_id,
            manufacturer=maker_model[0],
            model=maker_model[1],
            room=room,
            description=description,
            category=kind[0],
            sub_category=kind[1],
            contact_person_id=contact,
            charging_type=charging[0],
            rate=charging[1],
            manufacturing_year=made[0],
            serial_number=made[1],
            availability_status=status,
        ),
        profile,
    )


NANODROP_ID = 4105
CENTRIFUGE_IDS = (4107, 4122)

_INSTRUMENTS: tuple[_Instrument, ...] = (
    # Genomics Core Facility (London): the busiest lab.
    _instrument(
        4101,
        GENOMICS,
        "Illumina NovaSeq 6000",
        ("Illumina", "NovaSeq 6000"),
        "G.14 Sequencing Suite",
        "High-throughput sequencer; S1-S4 flow cells. Book the whole run, including loading.",
        ("Sequencers", _SUB["ngs"]),
        15003,
        ("Per Booking", 1250.0),
        ("2020", "A01234"),
        _LONG_RUN,
    ),
    _instrument(
        4102,
        GENOMICS,
        "Illumina MiSeq",
        ("Illumina", "MiSeq"),
        "G.14 Sequencing Suite",
        "Benchtop sequencer for amplicons and small genomes.",
        ("Sequencers", _SUB["ngs"]),
        15003,
        ("Per Booking", 380.0),
        ("2017", "M04812"),
        _RUN,
    ),
    _instrument(
        4103,
        GENOMICS,
        "Oxford Nanopore GridION",
        ("Oxford Nanopore Technologies", "GridION Mk1"),
        "G.15",
        "Five MinION/Flongle flow-cell positions; long runs go overnight.",
        ("Sequencers", _SUB["ngs"]),
        15003,
        ("Per Hour", 22.0),
        ("2021", "GXB02211"),
        _LONG_RUN,
    ),
    _instrument(
        4104,
        GENOMICS,
        "Agilent 2100 Bioanalyzer",
        ("Agilent Technologies", "G2939BA"),
        "G.12 QC Lab",
        None,
        ("Analytical Instruments", _SUB["qc"]),
        15003,
        ("Per Booking", 45.0),
        ("2016", "DE54707211"),
        _QUICK,
    ),
    _instrument(
        NANODROP_ID,
        GENOMICS,
        "NanoDrop One",
        ("Thermo Fisher Scientific", "NanoDrop One"),
        "G.12 QC Lab",
        "Microvolume UV-Vis spectrophotometer. 30-minute slots.",
        ("Analytical Instruments", _SUB["qc"]),
        15003,
        ("Per Sample", 1.5),
        ("2019", "AZY1811234"),
        _SHORT,
    ),
    _instrument(
        4106,
        GENOMICS,
        "Bio-Rad CFX96 Touch qPCR",
        ("Bio-Rad", "CFX96 Touch"),
        "G.12 QC Lab",
        "96-well real-time PCR detection system.",
        ("PCR", _SUB["pcr"]),
        15004,
        ("Per Hour", 12.0),
        ("2018", "CT019876"),
        _PLATE,
    ),
    _instrument(
        CENTRIFUGE_IDS[0],
        GENOMICS,
        "Eppendorf 5810 R Centrifuge",
        ("Eppendorf", "5810 R"),
        "G.10",
        "Refrigerated benchtop centrifuge, swing-bucket rotor A-4-81.",
        ("Centrifuges", _SUB["centrifuge"]),
        15003,
        ("Free", 0.0),
        ("2015", "5811ZK345678"),
        _QUICK,
    ),
    _instrument(
        4108,
        GENOMICS,
        "Covaris ME220 Focused-ultrasonicator",
        ("Covaris", "ME220"),
        "G.10",
        "DNA shearing for library preparation.",
        ("Sample Preparation", _SUB["prep"]),
        15004,
        ("Per Hour", 18.0),
        ("2020", "ME2200877"),
        _QUICK,
    ),
    _instrument(
        4109,
        GENOMICS,
        "10x Genomics Chromium Controller",
        ("10x Genomics", "Chromium Controller"),
        "G.11 Single-Cell Lab",
        "Single-cell partitioning. Bring thawed chips; runs take about 20 minutes.",
        ("Sample Preparation", _SUB["prep"]),
        15005,
        ("Per Booking", 60.0),
        ("2019", "CC-12345"),
        _BENCH,
    ),
    _instrument(
        4110,
        GENOMICS,
        "Qubit 4 Fluorometer",
        ("Thermo Fisher Scientific", "Qubit 4"),
        "G.12 QC Lab",
        None,
        ("Analytical Instruments", _SUB["qc"]),
        15003,
        ("Free", 0.0),
        ("2021", "2322100456"),
        _QUICK,
    ),
    # Structural Biology Lab (London).
    _instrument(
        4121,
        STRUCTURAL,
        "Beckman Coulter Optima XPN-100 Ultracentrifuge",
        ("Beckman Coulter", "Optima XPN-100"),
        "B2.07",
        "Preparative ultracentrifuge; rotors Type 70 Ti and SW 41 Ti.",
        ("Centrifuges", _SUB["centrifuge"]),
        15007,
        ("Per Hour", 8.0),
        ("2017", "CXP17H21"),
        _QUIET,
        status="Under Maintenance",
    ),
    _instrument(
        CENTRIFUGE_IDS[1],
        STRUCTURAL,
        "Eppendorf 5810 R Centrifuge",
        ("Eppendorf", "5810 R"),
        "B2.05",
        None,
        ("Centrifuges", _SUB["centrifuge"]),
        15007,
        ("Free", 0.0),
        ("2012", "5811AB098765"),
        _BENCH,
    ),
    _instrument(
        4123,
        STRUCTURAL,
        "Thermo Scientific Vitrobot Mark IV",
        ("Thermo Fisher Scientific", "Vitrobot Mark IV"),
        "B2.09 Cryo-EM Prep",
        "Plunge-freezing for cryo-EM grids.",
        ("Sample Preparation", _SUB["prep"]),
        15007,
        ("Per Hour", 15.0),
        ("2018", "VB4-0331"),
        _SESSION,
    ),
    _instrument(
        4124,
        STRUCTURAL,
        "ÄKTA pure 25 Chromatography System",
        ("Cytiva", "ÄKTA pure 25 M"),
        "B2.03 Cold Room",
        "Protein purification FPLC in the cold room (4 °C).",
        ("Chromatography", _SUB["chromatography"]),
        15007,
        ("Per Hour", 6.0),
        ("2019", "2960123"),
        _PLATE,
    ),
    # Mass Spectrometry Facility (London).
    _instrument(
        4131,
        MASS_SPEC,
        "Thermo Scientific Orbitrap Exploris 480",
        ("Thermo Fisher Scientific", "Orbitrap Exploris 480"),
        "C1.22",
        "High-resolution LC-MS/MS for proteomics.",
        ("Mass Spectrometry", _SUB["ms"]),
        15008,
        ("Per Hour", 55.0),
        ("2021", "FSN40123"),
        _LONG_RUN,
    ),
    _instrument(
        4132,
        MASS_SPEC,
        "Bruker timsTOF Pro 2",
        ("Bruker", "timsTOF Pro 2"),
        "C1.22",
        None,
        ("Mass Spectrometry", _SUB["ms"]),
        15008,
        ("Per Hour", 60.0),
        ("2022", "1895432.10121"),
        _RUN,
    ),
    _instrument(
        4133,
        MASS_SPEC,
        "Waters Xevo TQ-XS",
        ("Waters", "Xevo TQ-XS"),
        "C1.24",
        "Triple-quadrupole MS for targeted quantitation.",
        ("Mass Spectrometry", _SUB["ms"]),
        15006,
        ("Per Hour", 40.0),
        ("2019", "WAA123"),
        _SESSION,
    ),
    # NMR Facility (London).
    _instrument(
        4141,
        NMR,
        "Bruker Avance III 600 MHz NMR",
        ("Bruker", "Avance III HD 600"),
        "C0.05 NMR Hall",
        "600 MHz with a TCI cryoprobe; automation via IconNMR.",
        ("Spectroscopy", _SUB["nmr"]),
        15008,
        ("Per Hour", 25.0),
        ("2014", "BR600-0412"),
        _RUN,
    ),
    _instrument(
        4142,
        NMR,
        "Bruker Avance NEO 800 MHz NMR",
        ("Bruker", "Avance NEO 800"),
        "C0.06 NMR Hall",
        None,
        ("Spectroscopy", _SUB["nmr"]),
        15008,
        ("Per Hour", 45.0),
        ("2022", "BR800-0098"),
        _LONG_RUN,
    ),
    # Northbridge Tokyo Imaging Centre (Asia/Tokyo).
    _instrument(
        4151,
        TOKYO,
        "Zeiss LSM 980 Confocal",
        ("Carl Zeiss", "LSM 980 with Airyscan 2"),
        "3F-301",
        "Inverted confocal with Airyscan 2 and environmental chamber.",
        ("Microscopes", _SUB["confocal"]),
        15010,
        ("Per Hour", 4500.0),
        ("2021", "2832000512"),
        _SESSION,
    ),
    _instrument(
        4152,
        TOKYO,
        "Leica TCS SP8 Confocal",
        ("Leica Microsystems", "TCS SP8"),
        "3F-302",
        None,
        ("Microscopes", _SUB["confocal"]),
        15010,
        ("Per Hour", 3500.0),
        ("2016", "8100001234"),
        _SESSION,
    ),
    _instrument(
        4153,
        TOKYO,
        "BD FACSAria III",
        ("BD Biosciences", "FACSAria III"),
        "3F-310",
        "Four-laser cell sorter. Operator-assisted sorts only.",
        ("Flow Cytometry", _SUB["flow"]),
        15009,
        ("Per Hour", 8000.0),
        ("2015", "P69500123"),
        _PLATE,
    ),
    _instrument(
        4154,
        TOKYO,
        "JEOL JEM-2100Plus TEM",
        ("JEOL", "JEM-2100Plus"),
        "B1-012",
        "200 kV transmission electron microscope.",
        ("Microscopes", _SUB["em"]),
        15010,
        ("Per Hour", 9000.0),
        ("2018", "EM26870012"),
        _SESSION,
    ),
    _instrument(
        4155,
        TOKYO,
        "Custom mesoSPIM Light-sheet Microscope",
        (None, None),
        None,
        None,
        (None, None),
        None,
        (None, 0.0),
        (None, None),
        _QUIET,
    ),
    # Hudson Valley Biolabs (America/New_York), independent.
    _instrument(
        4161,
        HUDSON,
        "Thermo Fisher QuantStudio 5 Real-Time PCR",
        ("Thermo Fisher Scientific", "QuantStudio 5"),
        "Lab 2",
        "384-well block.",
        ("PCR", _SUB["pcr"]),
        15011,
        ("Per Hour", 20.0),
        ("2020", "272510123"),
        _PLATE,
    ),
    _instrument(
        4162,
        HUDSON,
        "Agilent 4200 TapeStation",
        ("Agilent Technologies", "G2991BA"),
        "Lab 2",
        None,
        ("Analytical Instruments", _SUB["qc"]),
        15011,
        ("Per Booking", 30.0),
        ("2019", "DEDAB01234"),
        _BENCH,
    ),
    _instrument(
        4163,
        HUDSON,
        "Sartorius Octet R8",
        ("Sartorius", "Octet R8"),
        "Lab 3",
        "Label-free biolayer interferometry.",
        ("Biophysics", _SUB["biophysics"]),
        15012,
        ("Per Hour", 35.0),
        ("2022", "OCR8-00321"),
        _SESSION,
    ),
    _instrument(
        4164,
        HUDSON,
        "Molecular Devices SpectraMax iD5",
        ("Molecular Devices", "SpectraMax iD5"),
        None,
        "Multi-mode plate reader.",
        ("Plate Readers", _SUB["plate"]),
        15012,
        ("Free", 0.0),
        ("2018", None),
        _BENCH,
    ),
)

_GROUPS: tuple[Group, ...] = (
    Group(201, "Sequencing", GENOMICS, (4101, 4102, 4103)),
    Group(202, "Sample QC", GENOMICS, (4104, NANODROP_ID, 4106, 4110)),
    Group(203, "Library Preparation", GENOMICS, (4108, 4109, CENTRIFUGE_IDS[0])),
    Group(204, "Sample Preparation", STRUCTURAL, (4121, CENTRIFUGE_IDS[1], 4123)),
    Group(205, "Chromatography", STRUCTURAL, (4124,)),
    Group(206, "Mass Spectrometry", MASS_SPEC, (4131, 4132, 4133)),
    Group(207, "NMR Spectroscopy", NMR, (4141, 4142)),
    Group(208, "Imaging", TOKYO, (4151, 4152, 4154, 4155)),
    Group(209, "Flow Cytometry", TOKYO, (4153,)),
    Group(210, "Molecular Biology", HUDSON, (4161, 4162, 4164)),
    Group(211, "Biophysics", HUDSON, (4163,)),
    Group(212, "Decommissioned", HUDSON, ()),
)

_PROJECTS: tuple[Ref, ...] = (
    Ref(501, "Single-cell atlas of the zebrafish heart"),
    Ref(502, "CRISPR screen: T-cell exhaustion"),
    Ref(503, "Antibiotic resistance surveillance"),
    Ref(504, "Metabolomics of drought-stressed wheat"),
    Ref(505, "Cryo-EM of membrane transporters"),
    Ref(506, "Long-read assembly of Arabidopsis ecotypes"),
    Ref(507, "Phosphoproteomics of kinase inhibitors"),
    Ref(508, "Client study HV-2291"),
)

_NOTES: tuple[str, ...] = (
    "Library QC before pooling",
    "Please leave the instrument on after use",
    "Samples are in the -80 °C freezer, shelf 3",
    "Training for a new starter",
    "Bring your own consumables",
    "Quote ref Q-2291 for billing",
    "Two 96-well plates, back to back",
    "Buffer A & B: check pH < 7.4 and > 7.2",
    "Repeat of last week's failed run",
    "Collaborator visiting from Kraków – Zoë will supervise",
    "Needs the *cold* rotor; _please_ pre-chill",
    "Line one\nLine two: multi-line note from the export",
)

_MAINTENANCE_NOTES: tuple[str, ...] = (
    "Annual service visit by the manufacturer",
    "Replacing the lamp",
    "Error E-104 on start-up; engineer called",
    "Calibration and performance check",
)


@dataclass
class _Draft:
    """A booking before ids are handed out."""

    equipment: Equipment
    start: datetime
    end: datetime
    status: str = ""
    category: str = "Use"
    requester_id: int | None = None
    notes: str | None = None
    requested_at: datetime | None = None
    project: Ref | None = None
    fixed: bool = False  # status and requester already chosen


@dataclass(frozen=True)
class _Script:
    """A booking placed on purpose so the demo user has something to see today and tomorrow."""

    equipment_id: int
    day: int
    start: str
    minutes: int
    status: str
    category: str = "Use"
    notes: str | None = None
    requester_id: int = DEMO_USER_ID


_SCRIPT: tuple[_Script, ...] = (
    _Script(4104, -1, "10:00", 90, "completed", notes="Library QC before pooling"),
    _Script(NANODROP_ID, 0, "09:30", 30, "approved", notes="RNA quantification"),
    _Script(4106, 0, "14:00", 150, "approved"),
    _Script(
        4103, 0, "20:00", 510, "approved", notes="Overnight run: please do not stop the sequencing"
    ),
    _Script(CENTRIFUGE_IDS[1], 1, "09:00", 60, "requested"),
    _Script(4102, 1, "11:00", 120, "approved", category="Training"),
    _Script(4108, 1, "15:00", 60, "cancelled"),
    _Script(4101, 2, "08:30", 540, "approved", notes="S4 flow cell, 2 × 150 bp"),
    _Script(
        4121,
        0,
        "09:00",
        480,
        "approved",
        category="Repair",
        notes="Rotor imbalance fault; engineer on site",
        requester_id=15007,
    ),
)


def _local(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of `minutes` past local midnight on `day` (wall-clock, DST-aware)."""
    wall = datetime.combine(day, time(), tzinfo=zone) + timedelta(minutes=minutes)
    return wall.astimezone(UTC)


def _overlaps(start: datetime, end: datetime, taken: list[tuple[datetime, datetime]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in taken)


def _timeline(
    instrument: _Instrument,
    zone: ZoneInfo,
    days: list[date],
    reserved: list[tuple[datetime, datetime]],
    rng: random.Random,
) -> list[tuple[datetime, datetime]]:
    """Non-overlapping slots for one instrument: day sessions on the half hour, some overnight."""
    profile = instrument.profile
    slots: list[tuple[datetime, datetime]] = []
    busy_until = datetime.min.replace(tzinfo=UTC)
    for day in days:
        weekend = day.weekday() >= 5
        if weekend and rng.random() >= profile.weekend:
            continue
        opens = max(profile.opens, 10 * 60) if weekend else profile.opens
        closes = min(profile.closes, 16 * 60) if weekend else profile.closes
        cursor = opens + rng.choice((0, 0, 0, 30, 60))
        while cursor < closes:
            if rng.random() >= profile.fill:
                cursor += rng.choice((30, 30, 60, 90))
                continue
            minutes = rng.choice(profile.durations)
            offset = 15 if rng.random() < 0.06 else 0
            if cursor + offset + minutes > closes:
                break
            start = _local(day, cursor + offset, zone)
            end = start + timedelta(minutes=minutes)
            if start < busy_until or _overlaps(start, end, reserved):
                cursor += 30
                continue
            slots.append((start, end))
            busy_until = end
            cursor += minutes + (30 if offset else 0)  # back on the half hour
        if not weekend and rng.random() < profile.overnight:
            begin = max(cursor, rng.choice(range(18 * 60, 22 * 60, 30)))
            minutes = rng.choice(range(240, 541, 30))
            start = _local(day, begin, zone)
            end = start + timedelta(minutes=minutes)
            if start >= busy_until and not _overlaps(start, end, reserved):
                slots.append((start, end))
                busy_until = end
    return slots


def _weighted(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([name for name, _ in table], weights=[w for _, w in table])[0]


_PAST_STATUS = (
    ("completed", 84),
    ("cancelled", 9),
    ("declined", 4),
    ("approved", 2),
    ("ordered", 1),
)
_FUTURE_STATUS = (
    ("approved", 72),
    ("requested", 14),
    ("cancelled", 9),
    ("declined", 4),
    ("ordered", 1),
)
_CATEGORY = (
    ("Use", 86.0),
    ("Training", 6.0),
    ("Preventative Maintenance", 3.0),
    ("Repair", 2.0),
    ("Breakdown", 1.5),
    ("Other", 1.5),
)
_MAINTENANCE = frozenset({"Preventative Maintenance", "Repair", "Breakdown"})


@dataclass(frozen=True)
class _Pool:
    """Who books a lab's instruments: its people (weighted) and colleagues from other labs."""

    members: tuple[int, ...]
    weights: tuple[float, ...]
    outsiders: tuple[int, ...]

    def member(self, rng: random.Random) -> int | None:
        return rng.choices(self.members, weights=self.weights)[0] if self.members else None


def _requester_pool(lab_id: int) -> _Pool:
    """Members of a lab (sign-in users and the wider roster) and plausible outside requesters.

    The roster carries most bookings so the demo user has a handful a day, not dozens.
    """
    members: list[int] = []
    weights: list[float] = []
    for person in _PEOPLE:
        if lab_id in person.lab_ids:
            members.append(person.id)
            weights.append(
                4.0 if person.id >= _ROSTER_FIRST_ID else 0.3 if person.id == _MANAGER_ID else 1.0
            )
    lab = _account(lab_id)
    outsiders = tuple(
        user.id
        for user in _USERS
        if lab_id not in user.lab_ids
        and lab.organisation_id is not None
        and any(_account(other).organisation_id == lab.organisation_id for other in user.lab_ids)
    )
    return _Pool(tuple(members), tuple(weights), outsiders)


def _account(account_id: int) -> Account:
    return next(account for account in _ACCOUNTS if account.id == account_id)


def _person(person_id: int) -> User:
    return next(person for person in _PEOPLE if person.id == person_id)


def _cost(equipment: Equipment, draft: _Draft, currency: str, rng: random.Random) -> str:
    if (
        equipment.charging_type in (None, "Free")
        or draft.category in _MAINTENANCE
        or draft.status in ("cancelled", "declined")
    ):
        return "0"
    hours = (draft.end - draft.start).total_seconds() / 3600
    if equipment.charging_type == "Per Hour":
        amount = equipment.rate * hours
    elif equipment.charging_type == "Per Sample":
        amount = equipment.rate * rng.randint(1, 12)
    else:
        amount = equipment.rate
    return f"{amount:.0f}" if currency == "JPY" else f"{amount:.2f}"


def _fill_in(
    draft: _Draft,
    lab: Account,
    today_starts: datetime,
    pool: _Pool,
    rng: random.Random,
) -> None:
    """Give a slot its status, category, requester and notes."""
    past = draft.end <= today_starts
    if not draft.fixed:
        draft.status = _weighted(rng, _PAST_STATUS if past else _FUTURE_STATUS)
        draft.category = _weighted(rng, _CATEGORY)
        if draft.category in _MAINTENANCE:
            contact = draft.equipment.contact_person_id
            draft.requester_id = None if contact is None or rng.random() < 0.3 else contact
            draft.notes = rng.choice(_MAINTENANCE_NOTES) if rng.random() < 0.7 else None
        else:
            roll = rng.random()
            if roll < 0.015:
                draft.requester_id = None
            elif roll < 0.05 and pool.outsiders:
                draft.requester_id = rng.choice(pool.outsiders)
            else:
                draft.requester_id = pool.member(rng)
            draft.notes = rng.choice(_NOTES) if rng.random() < 0.22 else None
    if draft.category not in _MAINTENANCE and rng.random() < 0.55:
        draft.project = rng.choice(_PROJECTS if lab.id != HUDSON else _PROJECTS[-1:])
    lead = timedelta(hours=rng.randint(1, 24 * 21), minutes=rng.choice((0, 7, 19, 42)))
    latest = today_starts + timedelta(hours=9) - timedelta(minutes=rng.randint(5, 60 * 24 * 3))
    draft.requested_at = min(draft.start - lead, latest)


def _overlapping_extra(draft: _Draft, pool: _Pool, rng: random.Random) -> _Draft:
    """A cancelled or declined booking on top of a live one: allowed, and clients must cope."""
    shift = timedelta(minutes=rng.choice((0, 0, 30, -30)))
    return _Draft(
        equipment=draft.equipment,
        start=draft.start + shift,
        end=draft.end + shift,
        status=rng.choice(("cancelled", "cancelled", "declined")),
        category="Use",
        requester_id=pool.member(rng),
        notes=rng.choice((None, None, "Clashed with another booking")),
        requested_at=draft.requested_at,
        project=None,
        fixed=True,
    )


def _generate(today: date, seed: int) -> SandboxData:
    rng = random.Random(seed * 1_000_003 + today.toordinal())
    days = [today + timedelta(days=offset) for offset in range(-DAYS_AROUND_TODAY, 31)]
    drafts: list[_Draft] = []
    for instrument in _INSTRUMENTS:
        equipment = instrument.equipment
        lab = _account(equipment.lab_id)
        zone = ZoneInfo(lab.timezone)
        today_starts = _local(today, 0, zone)
        pool = _requester_pool(lab.id)
        scripted: list[_Draft] = []
        for script in _SCRIPT:
            if script.equipment_id != equipment.id:
                continue
            hours, minutes = (int(part) for part in script.start.split(":"))
            start = _local(today + timedelta(days=script.day), hours * 60 + minutes, zone)
            scripted.append(
                _Draft(
                    equipment=equipment,
                    start=start,
                    end=start + timedelta(minutes=script.minutes),
                    status=script.status,
                    category=script.category,
                    requester_id=script.requester_id,
                    notes=script.notes,
                    fixed=True,
                )
            )
        reserved = [(draft.start, draft.end) for draft in scripted]
        slots = _timeline(instrument, zone, days, reserved, rng)
        for draft in [*scripted, *(_Draft(equipment, start, end) for start, end in slots)]:
            _fill_in(draft, lab, today_starts, pool, rng)
            drafts.append(draft)
            if draft.status in ACTIVE_STATUSES and not draft.fixed and rng.random() < 0.07:
                extra = _overlapping_extra(draft, pool, rng)
                _fill_in(extra, lab, today_starts, pool, rng)
                drafts.append(extra)

    drafts.sort(key=lambda d: (d.requested_at or d.start, d.equipment.id, d.start))
    bookings: list[Booking] = []
    next_id = FIRST_BOOKING_ID
    for draft in drafts:
        equipment = draft.equipment
        lab = _account(equipment.lab_id)
        requester = None if draft.requester_id is None else _person(draft.requester_id)
        if requester is None:
            requester_account, booking_type = None, "internal"
        elif lab.id in requester.lab_ids:
            requester_account, booking_type = lab.id, "internal"
        else:
            requester_account, booking_type = requester.lab_ids[0], "external"
        bookings.append(
            Booking(
                id=next_id,
                equipment_id=equipment.id,
                provider_lab_id=lab.id,
                status=draft.status,
                booking_type=booking_type,
                category=draft.category,
                start=draft.start,
                end=draft.end,
                notes=draft.notes,
                requester_id=draft.requester_id,
                requester_account_id=requester_account,
                group=None if requester is None or rng.random() < 0.2 else requester.research_group,
                project=draft.project,
                cost=_cost(equipment, draft, lab.currency, rng),
                currency=lab.currency,
                requested_at=draft.requested_at,
            )
        )
        next_id += rng.choice((1, 1, 1, 2, 3, 7))

    return SandboxData(
        today=today,
        seed=seed,
        accounts=_shuffled(rng, _ACCOUNTS),
        users=_shuffled(rng, _USERS),
        people=MappingProxyType({person.id: person for person in _PEOPLE}),
        equipment=_shuffled(rng, [instrument.equipment for instrument in _INSTRUMENTS]),
        groups=_shuffled(rng, _GROUPS),
        bookings=_shuffled(rng, bookings),
        demo_user_id=DEMO_USER_ID,
    )


_Record = TypeVar("_Record", Account, User, Equipment, Group, Booking)


def _shuffled(
    rng: random.Random, records: list[_Record] | tuple[_Record, ...]
) -> Mapping[int, _Record]:
    """Records by id, iterated in a fixed random order: the API's 'stable but unsorted' lists."""
    order = list(records)
    rng.shuffle(order)
    return MappingProxyType({record.id: record for record in order})


@dataclass(eq=False)
class SandboxData:
    """The seeded world. Mappings are keyed by id and iterate in the API's list order.

    `users` are the dozen people who can sign in; `people` adds the wider roster who only
    appear as requesters. Immutable and shared between sandboxes; lookups cache derived views.
    """

    today: date
    seed: int
    accounts: Mapping[int, Account]
    users: Mapping[int, User]
    people: Mapping[int, User]
    equipment: Mapping[int, Equipment]
    groups: Mapping[int, Group]
    bookings: Mapping[int, Booking]
    demo_user_id: int
    _visible: dict[tuple[int, frozenset[int] | None], tuple[Booking, ...]] = field(
        default_factory=dict, init=False, repr=False
    )
    _by_equipment: dict[int, tuple[Booking, ...]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        grouped: dict[int, list[Booking]] = {equipment_id: [] for equipment_id in self.equipment}
        for booking in self.bookings.values():
            grouped[booking.equipment_id].append(booking)
        self._by_equipment = {key: tuple(value) for key, value in grouped.items()}

    def person(self, person_id: int) -> User | None:
        return self.people.get(person_id)

    # Accounts -----------------------------------------------------------------------------

    def labs(self) -> list[Account]:
        return [account for account in self.accounts.values() if account.account_type == "lab"]

    def lab_ids_of(self, user_id: int) -> frozenset[int]:
        user = self.users.get(user_id)
        return frozenset(user.lab_ids) if user else frozenset()

    def visible_account_ids(self, user_id: int) -> frozenset[int]:
        """A user's labs plus the department and organisation above each."""
        visible: set[int] = set()
        for lab_id in self.lab_ids_of(user_id):
            lab = self.accounts[lab_id]
            visible.add(lab_id)
            visible.update(
                parent for parent in (lab.department_id, lab.organisation_id) if parent is not None
            )
        return frozenset(visible)

    def labs_under(self, account_id: int) -> frozenset[int]:
        """The labs an account stands for: itself, or the labs in a department/organisation."""
        account = self.accounts.get(account_id)
        if account is None:
            return frozenset()
        if account.account_type == "lab":
            return frozenset({account_id})
        return frozenset(
            lab.id for lab in self.labs() if account_id in (lab.department_id, lab.organisation_id)
        )

    def child_labs(self, account_id: int) -> list[Account]:
        account = self.accounts[account_id]
        if account.account_type == "lab":
            return []
        return sorted(
            (self.accounts[lab_id] for lab_id in self.labs_under(account_id)),
            key=lambda lab: lab.id,
        )

    def child_departments(self, account_id: int) -> list[Account]:
        return sorted(
            (
                account
                for account in self.accounts.values()
                if account.account_type == "department" and account.organisation_id == account_id
            ),
            key=lambda department: department.id,
        )

    # Equipment and bookings -----------------------------------------------------------------

    def bookings_of_equipment(self, equipment_id: int) -> tuple[Booking, ...]:
        return self._by_equipment.get(equipment_id, ())

    def bookings_of_lab(self, lab_id: int) -> list[Booking]:
        return [booking for booking in self.bookings.values() if booking.provider_lab_id == lab_id]

    def can_see_booking(self, user_id: int, booking: Booking) -> bool:
        return (
            booking.provider_lab_id in self.lab_ids_of(user_id) or booking.requester_id == user_id
        )

    def visible_bookings(
        self, user_id: int, labs: frozenset[int] | None = None
    ) -> tuple[Booking, ...]:
        """Bookings a user sees (their labs' plus their own), optionally only from `labs`."""
        key = (user_id, labs)
        cached = self._visible.get(key)
        if cached is None:
            own_labs = self.lab_ids_of(user_id)
            cached = tuple(
                booking
                for booking in self.bookings.values()
                if (booking.provider_lab_id in own_labs or booking.requester_id == user_id)
                and (labs is None or booking.provider_lab_id in labs)
            )
            self._visible[key] = cached
        return cached

    def busiest_lab_id(self) -> int:
        counts = Counter(booking.provider_lab_id for booking in self.bookings.values())
        return counts.most_common(1)[0][0]

    def busiest_equipment_id(self) -> int:
        counts = Counter(booking.equipment_id for booking in self.bookings.values())
        return counts.most_common(1)[0][0]


@functools.lru_cache(maxsize=8)
def build_world(today: date, seed: int = 7) -> SandboxData:
    """The world for (`today`, `seed`), built once and shared: callers must not mutate it."""
    return _generate(today, seed)
