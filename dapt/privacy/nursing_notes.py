"""Generated ICU nursing progress notes with exact gold PII spans.

The PhysioNet "Deidentified Medical Text" corpus holds 1990s-2000s ICU nursing progress notes whose
personal data was replaced by realistic surrogates. Its licence keeps it out of reach here, so this
module *generates* notes in that style to measure de-identification on it, type-blind, with
`dapt privacy evaluate`. Nothing here is real: every note, name, place and number is invented.

What makes such notes hard is reproduced on purpose:

* about a third are written entirely in capitals, others in lower or mixed case, some with capital
  section headers over a lower-case body;
* dense clinical shorthand that is not personal data (``TOL``, ``NEO``, ``MAE``, ``PERRLA``, drug and
  eponym names such as ``FOLEY`` or ``SWAN``), state-like shorthand (``PA`` line, ``MD`` aware, ``CT``
  head, ``OR``, ``CA`` 8.2) and numbers that look like dates (``BP 110/60``, ``3/4 SIDERAILS``,
  ``PAIN 4/10``, ``7P-7A``), times of day and weekdays (not personal data either);
* words that are names only sometimes (``WILL CONT TO MONITOR`` against ``son Will``, ``HOPE TO WEAN``
  against ``daughter Hope``, ``ART LINE``, ``SBP ROSE``);
* personal data in every shape a nurse writes it: first names alone and repeated in another case,
  ``DR. SMITH``, sign-offs like ``- J. O'BRIEN RN`` or ``kate rn``, hospitals and rehabs, towns and
  state abbreviations, partial dates (``2/13``, ``12/2089``), ages over 89, phone and pager numbers,
  record numbers; and notes with none at all.

Each note is ``{"doc_id", "text", "spans": [{"start", "end", "label"}]}``, the gold format of
:func:`dapt.privacy.evaluate.read_gold`. A span covers exactly the personal characters: the surname
of ``DR. SMITH``, the number of ``93M`` or ``MRN 1234567``. Labels: see :data:`LABELS`.

Usage: ``python -m dapt.privacy.nursing_notes --count 300 --seed 7 --out notes.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from faker import Faker

# --------------------------------------------------------------------------------------------- labels

PERSON = "PERSON"  # patients, relatives, clinicians, nurse sign-offs
LOCATION = "LOCATION"  # towns, states, street addresses
ORGANIZATION = "ORGANIZATION"  # hospitals, rehabs, nursing homes, clinics
DATE_TIME = "DATE_TIME"  # calendar dates only; times of day and weekdays are not personal
AGE = "AGE"  # ages over 89, the number only
PHONE_NUMBER = "PHONE_NUMBER"  # phone and pager numbers
ID = "ID"  # medical record and unit numbers, the number only
LABELS = frozenset({PERSON, LOCATION, ORGANIZATION, DATE_TIME, AGE, PHONE_NUMBER, ID})

MIN_WORDS, MAX_WORDS = 80, 400

# ------------------------------------------------------------------------------------ non-PHI words

#: Clinical shorthand that is never personal data (names that collide with it are not drawn).
SHORTHAND = frozenset(
    (
        "TOL", "NEO", "LEVO", "MAE", "PERRLA", "NPO", "FFP", "PRBC", "CXR", "ABG", "NGT", "OGT", "ETT", "CPAP", "PSV",
        "PEEP", "FIO2", "SBP", "MAP", "CVP", "PA", "SVO2", "K", "MG", "CA", "HCT", "INR", "PTT", "BS", "BM", "CMO",
        "DNR", "DNI", "SR", "ST", "AFIB", "PVC", "PAC", "NSR", "ICU", "CCU", "MICU", "SICU", "CSRU", "TSICU", "OR",
        "PACU", "ED", "EW", "MD", "RN", "NP", "PT", "OT", "SW", "CM", "AM", "PM", "PRN", "BID", "TID", "QD", "HS",
        "IVF", "NS", "LR", "D5W", "TPN", "GTT", "SC", "SQ", "PO", "PR", "IV", "IM", "OSH", "HCP", "DTR", "LCS", "SBT",
        "RISS", "SSI", "FSBS", "TF", "GCS", "HR", "BP", "RR", "LS", "NC", "FM", "NRB", "TLC", "CVL", "PICC", "PIV",
        "IJ", "VNA", "CIWA", "WBC", "PLT", "BUN", "CR", "UO", "PEG", "RVR", "SB", "HO", "CT", "MRI", "KUB", "RUQ",
        "LUQ", "BIPAP", "CVVH", "MSO4", "KCL", "PHOS", "AMP", "SN", "BSN", "PCA", "DVT", "PNA", "UGIB", "CHF", "COPD",
        "DKA", "ETOH", "SAH", "SDH", "CABG", "AVR", "MVR", "NSTEMI", "CP",
    )
)
DRUGS = frozenset(
    (
        "LASIX", "LOPRESSOR", "HEPARIN", "INSULIN", "PROPOFOL", "FENTANYL", "VERSED", "ATIVAN", "HALDOL", "ZOSYN",
        "VANCO", "FLAGYL", "PROTONIX", "COUMADIN", "DILT", "AMIO", "NITRO", "DOPA", "DOBUTAMINE", "VASOPRESSIN",
        "CIPRO", "GENT", "UNASYN", "CEFEPIME", "MEROPENEM", "BACTRIM", "DILAUDID", "PERCOCET", "TYLENOL", "MORPHINE",
        "COLACE", "SENNA", "DUODERM", "NARCAN", "LOVENOX", "CAPTOPRIL", "HYDRALAZINE", "NIPRIDE", "PROMOTE", "IMPACT",
    )
)
EPONYMS = frozenset(("FOLEY", "SWAN", "GANZ", "HICKMAN", "DOBHOFF", "TRENDELENBURG", "GLASGOW", "GUAIAC", "BAIR"))
#: Words that are also first names; they appear both as plain words and, in gold spans, as names.
AMBIGUOUS_NAMES = ("Will", "Hope", "Art", "May", "Rose", "Grace", "Faith")
COMMON_WORDS = frozenset(
    (
        "WILL", "HOPE", "ART", "MAY", "ROSE", "GRACE", "FAITH", "NOTE", "PLAN", "STABLE", "CARE", "FAMILY", "HOME",
        "BED", "CHEST", "LINE", "CROSS",
    )
)
NOT_A_NAME = SHORTHAND | DRUGS | EPONYMS | COMMON_WORDS
FEMALE_ROLES = frozenset({"wife", "daughter", "dtr", "sister", "niece", "granddaughter"})
MALE_ROLES = frozenset({"husband", "son", "brother", "nephew", "grandson"})
RELATIVE_ROLES = ("son", "daughter", "dtr", "sister", "brother", "niece", "nephew", "friend", "grandson", "HCP",
                  "granddaughter")

# --------------------------------------------------------------------------------- surrogate pools

#: Faker locales for names and their weights (Irish, Italian and Polish surnames as in a Boston ICU).
NAME_LOCALES: tuple[tuple[str, int], ...] = (
    ("en_US", 6), ("en_IE", 3), ("en_GB", 2), ("it_IT", 2), ("pl_PL", 2), ("pt_PT", 1), ("fr_FR", 1),
)
TOWNS = (
    "Quincy", "Brockton", "Lowell", "Lynn", "Revere", "Malden", "Medford", "Waltham", "Framingham", "Dorchester",
    "Somerville", "Chelsea", "Everett", "Braintree", "Weymouth", "Plymouth", "Taunton", "Fall River", "New Bedford",
    "Worcester", "Fitchburg", "Leominster", "Haverhill", "Lawrence", "Methuen", "Peabody", "Salem", "Beverly",
    "Gloucester", "Nashua", "Manchester", "Concord", "Keene", "Portsmouth", "Dover", "Pawtucket", "Woonsocket",
    "Cranston", "Hyannis", "Falmouth", "Marlborough", "Natick", "Needham", "Dedham", "Milton", "Randolph",
    "Stoughton", "Canton", "Norwood", "Attleboro", "Chicopee", "Holyoke", "Brookline", "Roslindale", "Mattapan",
)
STATE_ABBREVIATIONS = ("MA", "NH", "VT", "ME", "RI", "CT", "NY", "NJ", "PA", "FL", "MD", "CA", "OR", "IN", "NC", "AZ")
STATE_NAMES = ("Florida", "Maine", "New Hampshire", "Vermont", "Rhode Island", "Connecticut", "New York", "Arizona",
               "North Carolina", "California", "Ohio", "Texas", "Georgia", "Pennsylvania")
STREET_SUFFIXES = ("St", "Street", "Ave", "Avenue", "Rd", "Road", "Terrace", "Way", "Lane", "Circle")
STREET_WORDS = ("Elm", "Maple", "Oak", "Pleasant", "Washington", "Hancock", "Adams", "Centre", "Highland",
                "Chestnut", "Summer", "Prospect", "Beacon", "Walnut", "Cedar", "Park")
HOSPITAL_FORMS = (
    "{city} Hospital", "{city} General Hospital", "{city} General", "{last} Memorial Hospital", "{last} Memorial",
    "St. {first}'s", "St. {first}'s Hospital", "{last} Medical Center", "{city} Medical Center",
    "{city} Regional Hospital", "Holy Family Hospital", "Holy Name Hospital", "Sacred Heart Hospital",
    "Good Samaritan Medical Center", "Mercy Hospital of {city}", "{last} Community Hospital",
)
FACILITY_FORMS = (
    "{last} Rehab", "{city} Rehab Center", "{last} Rehabilitation Hospital", "{last} House", "{city} Manor",
    "{last} Nursing Home", "{city} Nursing and Rehab", "{last} Nursing Center", "{city} Pavilion",
    "{last} Skilled Nursing Facility", "{city} Health Care Center", "{last} Manor Nursing Home",
)
CLINIC_FORMS = ("{city} Health Center", "{last} Clinic", "{city} VNA", "{city} Cardiology Associates",
                "{last} Medical Associates", "{city} Family Practice")
AREA_CODES = ("617", "781", "508", "978", "603", "401", "413", "774", "857", "339", "207", "802")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

# ------------------------------------------------------------------------------------- filler pools

FILLERS: dict[str, tuple[str, ...]] = {
    "rhythm": ("SR", "NSR", "ST", "AFIB", "A-fib", "AF w/ RVR", "SB", "V-paced", "A-paced", "SR/ST"),
    "ectopy": ("no ectopy", "occ PVC's", "rare PAC's", "freq PVCs", "occ multifocal PVCs", "no ectopy noted"),
    "pressor": ("NEO", "LEVO", "DOPA", "Dobutamine", "Vasopressin", "Neo", "Levo"),
    "abx": ("Vanco", "Zosyn", "Flagyl", "Levo", "Cipro", "Gent", "Unasyn", "Cefepime", "Meropenem", "Bactrim"),
    "sedation": ("Propofol @ 20mcg/kg/min", "Propofol @ 40mcg/kg/min", "Fentanyl @ 100mcg/hr", "Versed @ 2mg/hr",
                 "Ativan gtt @ 2mg/hr", "Fentanyl 50mcg/hr + Versed 1mg/hr", "Propofol 30mcg"),
    "prn_pain": ("MSO4 2mg IV", "MSO4 4mg IV", "Dilaudid 0.5mg IV", "Percocet 1 tab PO", "Tylenol 650mg PR",
                 "Fentanyl 25mcg IV", "Morphine 2mg IV"),
    "prn_agit": ("Haldol", "Ativan", "Haldol 2mg", "Ativan 1mg", "Zyprexa 5mg"),
    "lyte": ("K 3.4", "K 3.8", "Mg 1.6", "Mg 1.4", "Ca 7.9", "Phos 2.1", "K 3.2"),
    "repletion": ("40MEQ KCL", "20mEq KCL IV", "2GM MG SULFATE", "1 amp Ca gluc", "KPhos 15mmol", "60mEq KCL PO"),
    "o2": ("4L NC", "2L NC", "3L NC", "50% FM", "40% cool neb", "100% NRB", "face tent 50%", "6L NC"),
    "vent": ("CPAP 5/5 (PSV 5 PEEP 5)", "A/C 500x14 PEEP 5 FIO2 40%", "PSV 10/5 FIO2 .40", "IMV 12 x 600 PEEP 8",
             "AC 550/14/5/50%", "CPAP+PS 12/5", "SIMV 10/600/PEEP 5"),
    "wean": ("PSV 10/5", "CPAP 5/5", "FIO2 40%", "PEEP 5", "trach mask 50%", "PS 8"),
    "ls": ("clear bilat", "coarse throughout", "crackles at bases", "diminished R base", "exp wheezes",
           "rhonchi, clearing w/ cough", "clear upper, diminished bases"),
    "secretion": ("small amt thick white", "mod amts tan", "copious thin yellow", "scant", "blood tinged"),
    "cxr": ("no change", "? RLL infiltrate", "improved edema", "ETT in good position", "small L effusion"),
    "abd": ("soft, nontender", "soft, distended", "obese, soft", "firm, mildly tender", "softly distended"),
    "bowel": ("+BS", "BS hypoactive", "BS present x4 quads", "no BS", "+BS, +flatus"),
    "feeds": ("clears", "full liquids", "PROMOTE W/ FIBER @ 60cc/hr", "TF @ goal 50cc/hr", "TPN", "cardiac diet",
              "impact w/ fiber @ 40cc/hr", "ice chips"),
    "gi_tube": ("NGT", "OGT", "Dobhoff", "PEG", "NGT to LCS"),
    "gi_color": ("bilious", "coffee ground", "clear", "green", "brown"),
    "stool": ("loose brown", "soft formed", "liquid green", "melena", "small hard"),
    "uo": ("30-60cc/hr", "20-40cc/hr", "adequate amts", "100-200cc/hr", ">30cc/hr", "15-20cc/hr"),
    "urine": ("clear yellow urine", "amber urine", "cloudy urine w/ sediment", "pink tinged urine", "dark urine"),
    "fluids": ("NS", "LR", "D5W", "1/2NS", "D5 1/2NS", "D5NS w/ 20KCL"),
    "line": ("R IJ TLC", "L SC CVL", "R radial A-line", "ART LINE", "Swan", "Hickman", "L PICC", "PIV x2",
             "R fem A-line", "L IJ introducer"),
    "drsg": ("drsg c/d/i", "site clean, dry and intact", "dsg changed", "no redness or drainage"),
    "dx": ("CHF exacerbation", "UGIB", "sepsis", "urosepsis", "PNA", "COPD flare", "DKA", "ETOH w/d", "SAH",
           "GI bleed", "NSTEMI", "CP r/o MI", "pancreatitis", "hypotension", "resp failure", "SDH after fall",
           "lower GI bleed", "hyperkalemia", "altered MS"),
    "procedure": ("CABG x3", "CABG x4", "AVR", "MVR", "AAA repair", "ex-lap", "L fem-pop", "cardiac cath",
                  "ERCP", "craniotomy", "Whipple"),
    "pmh": ("HTN, DM, CAD", "COPD, CHF (EF 25%)", "CRI, HTN", "ETOH abuse, cirrhosis", "afib on coumadin",
            "dementia, CVA", "IDDM, PVD", "breast CA s/p mastectomy"),
    "unit": ("MICU", "SICU", "CCU", "CSRU", "TSICU", "MICU-B", "MICU/SICU"),
    "shift": ("7P-7A", "7A-7P", "11P-7A", "7A-3P", "3P-11P", "0700-1900", "1900-0700", "7a-7p", "7p-7a", "7PM-7AM"),
    "relday": ("tomorrow", "today", "this AM", "in AM", "this eve", "tonight", "over weekend", "monday", "tuesday",
               "wednesday", "thursday", "friday", "saturday", "sunday", "Mon", "Tues", "later today"),
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "mon", "thurs"),
    "team": ("MICU team", "CT surgery", "GI fellow", "covering MD", "HO", "intern", "resident", "renal", "NP",
             "cards", "neurosurg team", "attending"),
    "service": ("SW", "CM", "PT", "OT", "nutrition", "chaplain", "pastoral care", "ID"),
    "edema_site": ("BLE", "bilat LE", "hands", "sacral", "generalized", "feet"),
    "pulse": ("DP/PT", "radials", "pedals by doppler", "DP's"),
    "issue": ("low UO", "SBP 80's", "K 3.2", "HCT drop", "temp spike", "new afib", "agitation"),
    "route": ("IV", "PO", "SQ", "PR", "IM"),
    "relword": ("wife", "husband", "son", "daughter", "dtr", "sister", "brother", "niece", "nephew", "grandson",
                "granddaughter", "friend", "neighbor", "family", "HCP"),
}

# ------------------------------------------------------------------------------------- templates

OPENINGS = (
    "NPN {shift}", "Nursing progress note {shift}:", "{unit} Nursing Progress Note {shift}", "{unit} NPN",
    "Nursing Admission Note", "Nursing transfer note:", "NPN {date} {shift}", "Addendum:",
    "{unit} nursing note, {shift}:", "Nsg note", "Nursing progress note ({shift})", "Nursing note {date}",
    "NPN {shift} {mrn_ref}",
    "{unit} ADMIT NOTE", "Respiratory care note:", "nursing progress note", "NPN", "NSG PROGRESS NOTE {shift}",
)
INTROS = (
    "Pt is a {age} {sex} admitted {date} from {hospital} w/ {dx}.",
    "{age_short} w/ {dx}, transferred from {hospital} on {date}.",
    "{patient} is a {age} {sex} w/ PMH {pmh} who presented to {hospital} ED {weekday} w/ {dx}.",
    "Pt admitted to {unit} {date} s/p {procedure}.",
    "Pt is a {age} {sex} w/ hx {pmh}, admitted w/ {dx}. See FHPA for details.",
    "{age} {sex} s/p {procedure} on {date}, POD #{n1_5}.",
    "Pt transferred from {hospital} for further mgmt of {dx}. Hx {pmh}.",
    "Pls see admit note for hx. Briefly, {age} {sex} w/ {dx}.",
    "{patient}, {age_short}, admitted via EW w/ {dx}. PMH: {pmh}, s/p {procedure} {past_date}.",
    "Pt is a {age} {sex} w/ {dx}, last admit {date} for same.",
    "{age} {sex} from {nursing_home} w/ {dx}.",
    "Pt is a {age} {sex} w/ {dx}. Hx {pmh}.",
    "Pt admitted from OSH w/ {dx}, hx {pmh}.",
    "Pt is a {sex}, {age_words}, admitted {date} w/ {dx}.",
    "{patient}, {age_words}, transferred from {unit} at {hospital} w/ {dx}.",
    "Pt ({age_words}) w/ {dx}, hx {pmh}.",
)
SECTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "neuro": (
        ("Neuro", "NEURO", "Neuro/MS", "Neuro", "neuro", "N"),
        (
            "A+Ox3, MAE, follows commands.", "Alert, oriented x{n1_3}, MAE.", "PERRLA {pupil}mm brisk.",
            "Pupils {pupil}mm equal and reactive.",
            "Sedated on {sedation}, arousable to voice, MAE on bed.",
            "Lethargic but arousable, oriented to self only.",
            "C/o incisional pain, medicated w/ {prn_pain} w/ good effect.",
            "Pain {pain}, medicated w/ {prn_pain} x{n1_2} w/ relief.",
            "Agitated @ {time}, pulling at lines, given {prn_agit} IV w/ fair effect.",
            "Soft wrist restraints on for safety, checked q2h.", "GCS {gcs}.", "Neuro checks q{q}h, unchanged.",
            "MAE weakly, R > L.", "Nods appropriately to questions, mouthing words.", "Slept in naps overnight.",
            "Oriented x3 but forgetful, reoriented frequently.", "CIWA {n5_25}, Ativan given per scale.",
            "Will cont to monitor neuro status.", "No sz activity noted.", "Follows simple commands inconsistently.",
            "Denies pain, appears comfortable.", "Pain controlled w/ PCA, using appropriately.",
            "May need more sedation if agitation cont.", "{ptname} pleasant and cooperative, oriented x3.",
            "{ptname} slept in naps, awake @ {time} asking for water.",
        ),
    ),
    "cv": (
        ("CV", "C/V", "CARDIAC", "Cardiac", "cv", "CVS"),
        (
            "HR {hr} {rhythm}, {ectopy}.", "BP {bp}.", "SBP {sbp} on {pressor} @ {dose}.",
            "{pressor} weaned off @ {time}.", "Tol.{pressor} wean, now @ {dose}.", "{lyte} repleted w/ {repletion}.",
            "Pulses palp {pulse}, {n1_3}+ edema {edema_site}.", "Skin warm and dry.",
            "Swan in place: CVP {cvp}, PA {pa}, SVO2 {n55_75}.", "MAP {map}.",
            "Lasix {n20_80}mg IV given @ {time} w/ good diuresis.", "Lopressor {n5_25}mg held for SBP <{n85_100}.",
            "Heparin gtt @ {n800_1400} units/hr, PTT {n40_90} @ {time}, next PTT due @ {time}.",
            "Dilt gtt {n5_15}mg/hr, converted to NSR @ {time}.", "Amio load started per MD.",
            "Epicardial wires capped, pacer box at bedside.",
            "CT's to -20cm sx, drained {n20_200}cc serosang, no leak.", "SBP rose to {n150_190} w/ agitation.",
            "Hct {hct}, transfused {n1_2}u PRBC this shift, repeat hct pending.", "1u FFP given for INR {inr}.",
            "Nitro gtt titrated for SBP <{n120_140}.", "2+ pulses x4.", "HR {hr}, BP {bp}, MAP {map}.",
            "Hemodynamically stable.", "K {k}, no repletion needed.",
        ),
    ),
    "resp": (
        ("Resp", "RESP", "Pulm", "PULM", "resp", "Resp'y", "R"),
        (
            "LS {ls}.", "Sats {sat} on {o2}. RR {rr}.", "Remains on {vent}.", "Weaned to {wean} @ {time}, tol well.",
            "ABG {abg}.", "ETT {n7_8} @ {n21_25}cm lip, suctioned for {secretion} secretions.",
            "Plan to extubate in AM if tol SBT.", "Extubated @ {time} to {o2}, tol well.",
            "Cough weak, NT sx x{n1_3} for {secretion} sputum.", "CXR this AM: {cxr}.",
            "IS 500-750cc.", "BIPAP 10/5 overnight.", "Hope to wean further today.", "Sats {sat}, RR {rr} unlabored.",
            "Nebs q4h per RT.", "Desat to {n80_88}% @ {time}, O2 increased to {o2}.", "On {o2}, sats {sat}.",
        ),
    ),
    "gi": (
        ("GI", "Gi", "gi", "G.I.", "GI/Nutrition"),
        (
            "Abd {abd}, {bowel}.", "Tol {feeds}, residuals <{n10_60}cc.", "NPO after MN for {proc} in AM.",
            "{gi_tube} to LCS draining {gi_color} drainage, {n50_400}cc.", "No BM this shift.",
            "BM x{n1_3} {stool} stool, guaiac {guaiac}.", "Taking po's sparingly, encouraged.", "Protonix IV bid.",
            "Colace/senna given.", "LFT's pending.", "Tol {feeds} w/o n/v.", "Abd soft, +BS, tol {feeds}.",
            "{gi_tube} placed @ {time}, placement confirmed by CXR.",
        ),
    ),
    "gu": (
        ("GU", "Gu", "gu", "Renal", "RENAL", "GU/Renal"),
        (
            "Foley draining {uo} {urine}.", "UO {uo} after lasix.", "I/O {io} at MN.", "BUN/Cr {bun}/{cr}.",
            "CVVH running, removing {n50_150}cc/hr.", "Voiding qs in urinal.", "Foley d/c'd @ {time}, due to void.",
            "UO marginal, {n15_30}cc/hr, MD aware.", "24 hr I/O {io}.", "Foley patent, {uo}.",
        ),
    ),
    "id": (
        ("ID", "Id", "id", "I.D."),
        (
            "Tmax {tmax}, WBC {wbc}.", "On {abx}/{abx}.", "Blood cx x2 sent @ {time}, urine cx sent.", "Afebrile.",
            "MRSA swab sent, contact precautions maintained.", "Vanco trough {n10_25} this AM.", "Tmax {tmax}.",
            "Cont on {abx}, sputum cx pending.",
        ),
    ),
    "endo": (
        ("Endo", "ENDO", "endo"),
        (
            "FSBS {fsbs} covered w/ RISS.", "Insulin gtt @ {n1_12}u/hr, BS {fsbs} q1h.", "BS q6h w/ SSI.",
            "FS {fsbs}, no coverage needed.", "Insulin gtt off @ {time}, started on NPH.",
        ),
    ),
    "heme": (
        ("Heme", "HEME", "heme"),
        ("Hct {hct}, stable.", "INR {inr}, coumadin held.", "Plt {plt}.", "Hct {hct} -> {hct}, MD aware.",
         "Heparin SQ for DVT prophylaxis."),
    ),
    "skin": (
        ("Skin", "SKIN", "skin", "Integ"),
        (
            "Skin intact.", "Coccyx w/ stage II decub, duoderm applied.", "Sternal incision c/d/i, no drainage.",
            "Turned q2h, heels elevated on pillows.", "3/4 siderails up, bed alarm on.",
            "Pressure ulcer L heel, wound care per protocol.", "{line} {drsg}.", "Skin warm, dry, intact.",
        ),
    ),
    "activity": (
        ("Activity", "ACTIVITY", "Act", "activity"),
        ("OOB to chair w/ 2/2 assist, tol well.", "Up in chair x{n1_3} hrs.", "Bedrest, logroll only.",
         "PT/OT following.", "Amb in hall w/ PT, tol fair.", "Dangled at bedside w/ assist of 2."),
    ),
    "access": (
        ("Access", "Lines", "LINES", "access"),
        ("{line} intact, {drsg}.", "PIV x2, patent.", "Hickman R chest, flushed.", "{line} placed @ {time}.",
         "Art line dampened, flushed, now w/ good waveform."),
    ),
    "social": (
        ("Social", "SOCIAL", "Soc", "Family", "FAMILY", "social", "Psychosocial"),
        (
            "{relative} in to visit, updated by {doctor}.", "{relative} called x{n1_3}, updated on pt's status.",
            "{relative} and {relative} at bedside this eve, very supportive.",
            "Family meeting held w/ {doctor} and {relative}, pt made DNR/DNI.",
            "HCP is {relative}, can be reached at {phone}.", "{relname} aware of plan.",
            "Pt lives w/ {relword} in {town}.", "Pt lives alone in {town}, {state}.", "Lives at {address}.",
            "{relword} lives in {state}, flying in {relday}.",
            "SW consulted re: placement, pt was at {nursing_home} PTA.",
            "{relname} requests call if any changes: {phone}.", "{relative} wants to be called at home ({phone}).",
            "Code status discussed, remains FULL CODE.", "Pt is CMO per family, {relname} at bedside.",
            "No contact from family this shift.", "Emotional support given to {relname}.",
            "{relative} states pt was in usual state of health until {weekday}.",
            "{relname} asking about rehab, CM aware.", "Pt's priest in to visit.", "Family in, updated by RN.",
            "{relative} from {town} in to visit, tearful at bedside.", "{relname} will call back {relday}.",
            "{relative} visited w/ {relative}.", "{ptname} tearful, asking for {relname}.",
            "{relname} called @ {time}, plans to visit {relday}.",
            "Spoke w/ {relname} by phone, questions answered.", "Pt asking for {relname}, {relname} called.",
        ),
    ),
    "plan": (
        ("Plan", "PLAN", "A/P", "Assessment/Plan", "plan", "P", "Dispo"),
        (
            "Plan to transfer to {facility} when bed avail.", "Screening for {facility}.",
            "Cont to monitor hemodynamics, wean {pressor} as tol.", "?CT head in AM.", "F/u w/ {doctor} re: anticoag.",
            "Cont diuresis, ?echo {relday}.", "To OR {relday} for {proc}.", "Awaiting floor bed.",
            "Will transfer back to {hospital} when stable.", "F/u appt w/ {doctor} at {clinic} on {date}.",
            "Cont.monitor.", "Pt to go for {proc} {relday}.", "Support pt/family.", "MD aware of {issue}.",
            "Will cont to wean vent as tol.", "Old records requested from {hospital} ({mrn_ref}).",
            "{doctor} paged @ {pager} re: {issue}, no new orders.", "Consult {service} re: dispo.",
            "Return to {nursing_home} when medically cleared.", "Cont current mgmt.", "Monitor UO, lytes.",
            "Transfer paperwork w/ {mrn_ref} sent to {facility}.", "Dispo: {facility} vs home w/ VNA.",
            "Hope to call out to floor {relday}.", "Covering MD ({pager}) aware.",
        ),
    ),
}
CANONICAL_ORDER = tuple(SECTIONS)

PHI_SLOTS = frozenset(
    {"relative", "relname", "doctor", "phone", "pager", "town", "state", "address", "date", "past_date", "hospital",
     "facility", "nursing_home", "clinic", "mrn_ref", "patient", "ptname"}
)
SLOT = re.compile(r"\{(\w+)\}")


class Piece(NamedTuple):
    """A stretch of a note; ``label`` is set for personal data."""

    text: str
    label: str | None = None


@dataclass
class Person:
    """Someone a note may name."""

    first: str
    last: str
    role: str = ""
    introduced: bool = False


@dataclass
class Section:
    """A note section: its header (possibly empty) and its sentences as pieces."""

    key: str
    header: str
    sentences: list[list[Piece]] = field(default_factory=list)
    used: set[str] = field(default_factory=set)


# ---------------------------------------------------------------------------------------- helpers


def ascii_fold(text: str) -> str:
    """Faker's accented names as an old ASCII charting system would have stored them."""
    text = text.replace("ł", "l").replace("Ł", "L").replace("ß", "ss")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def word_count(text: str) -> int:
    """Whitespace-separated words."""
    return len(text.split())


def _acronym(name: str) -> str:
    """Initials of a facility name, e.g. ``Quincy Medical Center`` -> ``QMC``."""
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w not in {"St", "s", "of", "and"}]
    letters = "".join(w[0].upper() for w in words)
    return letters if len(letters) >= 3 and letters not in NOT_A_NAME else letters + "H"


# ------------------------------------------------------------------------------------------ writer


class NoteWriter:
    """Writes one note from a random source and name fakers; :meth:`write` gives it with its spans."""

    def __init__(self, rng: random.Random, fakers: dict[str, Faker], doc_id: str) -> None:
        self.rng = rng
        self.fakers = fakers
        self.doc_id = doc_id
        self.style = rng.choices(("caps", "lower", "mixed", "headers"), weights=(34, 22, 26, 18))[0]
        self.layout = rng.choices(("lines", "para", "blank"), weights=(55, 25, 20))[0]
        self.header_sep = rng.choice((": ", ": ", ":", " - ", "- ", ":  ", ";"))
        self.phi_free = rng.random() < 0.12
        self.sex = rng.choice(("male", "female"))
        self.patient = self._person("patient", self.sex)
        self.relatives: list[Person] = []
        self.clinicians: list[Person] = []
        self.places: dict[str, str] = {}

    # ---------------------------------------------------------------- casing

    def case_body(self, text: str) -> str:
        """Template text in the note's case."""
        if self.style == "caps":
            return text.upper()
        return text if self.style == "mixed" else text.lower()

    def case_header(self, text: str) -> str:
        """A section header in the note's case."""
        if self.style in ("caps", "headers"):
            return text.upper()
        return text.lower() if self.style == "lower" else text

    def case_phi(self, text: str) -> str:
        """Personal data: each mention cased on its own, so a name recurs as ``KAREN`` and ``karen``."""
        if self.style == "caps":
            return text.upper()
        if self.style == "mixed":
            return self.rng.choices((text, text.upper(), text.lower()), weights=(65, 20, 15))[0]
        return self.rng.choices((text.lower(), text, text.upper()), weights=(72, 22, 6))[0]

    def body(self, text: str) -> Piece:
        """Non-personal text, cased."""
        return Piece(self.case_body(text))

    def phi(self, text: str, label: str) -> Piece:
        """Personal data, cased, labelled."""
        return Piece(self.case_phi(text), label)

    # ---------------------------------------------------------------- surrogates

    def _faker(self) -> Faker:
        """A name faker, drawn by locale weight."""
        locales, weights = zip(*NAME_LOCALES)
        return self.fakers[self.rng.choices(locales, weights=weights)[0]]

    def _name(self, kind: str, sex: str = "") -> str:
        """A one-word first or last name, ASCII, not clinical shorthand."""
        for _ in range(50):
            fake = self._faker()
            if kind == "last":
                raw = fake.last_name()
            else:
                first = {"male": fake.first_name_male, "female": fake.first_name_female}.get(sex, fake.first_name)
                raw = first()
            name = ascii_fold(raw)
            well_formed = re.fullmatch(r"[A-Z][A-Za-z']*(?:-[A-Z][A-Za-z']+)?", name) and len(name) > 1
            if well_formed and name.upper() not in NOT_A_NAME:
                return name
        return "Kowalczyk" if kind == "last" else "Ann"

    def _person(self, role: str, sex: str = "") -> Person:
        first = self._name("first", sex)
        if role == "relative" and self.rng.random() < 0.12:
            male = sex == "male"
            first = self.rng.choice([n for n in AMBIGUOUS_NAMES if not sex or (n in ("Will", "Art")) == male])
        return Person(first, self._name("last"), role)

    def _city(self) -> str:
        if self.rng.random() < 0.6:
            return self.rng.choice(TOWNS)
        return ascii_fold(self.fakers[self.rng.choice(("en_US", "en_GB"))].city())

    def _facility(self, key: str, forms: Sequence[str]) -> str:
        """A named facility, the same one for a key within a note; sometimes its acronym."""
        if key not in self.places:
            self.places[key] = self.rng.choice(forms).format(
                city=self._city(), last=self._name("last"), first=self._name("first")
            )
        name = self.places[key]
        if len(name.split()) >= 2 and self.rng.random() < 0.2:
            return _acronym(name)
        return name

    def _date(self, past: bool = False) -> str:
        """A calendar date in one of the partial or full forms nurses write."""
        rng = self.rng
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        year = rng.choice((rng.randint(1988, 2007), rng.randint(2080, 2190)))
        forms = [
            f"{month}/{day}", f"{month}-{day}", f"{month:02d}/{day:02d}/{year}", f"{month}/{day}/{year % 100:02d}",
            f"{MONTHS[month - 1][:3]} {day}", f"{MONTHS[month - 1]} {day}th", f"{month}/{year}",
            f"{month}/{day}/{year}",
        ]
        if past:
            forms += [f"{month}/{year}", f"{MONTHS[month - 1]} {year}", f"{MONTHS[month - 1][:3]} {year}", str(year)]
        return rng.choice(forms)

    def _phone(self) -> str:
        rng = self.rng
        area, line = rng.choice(AREA_CODES), rng.randint(0, 9999)
        exchange = rng.choice(("555", str(rng.randint(200, 989))))
        return rng.choice((f"({area}) {exchange}-{line:04d}", f"{area}-{exchange}-{line:04d}",
                           f"{area} {exchange} {line:04d}", f"{exchange}-{line:04d}", f"{area}.{exchange}.{line:04d}",
                           f"{area}-{exchange}{line:04d}"))

    # ---------------------------------------------------------------- personal-data slots

    def slot_relative(self) -> list[Piece]:
        """A relative introduced (or met again) with relation word and, mostly, a name."""
        if self.phi_free:
            return [self.body(self.rng.choice(("wife", "son", "daughter", "family", "HCP")))]
        fresh = [p for p in self.relatives if not p.introduced]
        if not fresh and (len(self.relatives) < 3 or self.rng.random() < 0.3):
            spouse = {"male": ("wife",), "female": ("husband",)}[self.sex]
            role = self.rng.choice(spouse * 3 + RELATIVE_ROLES)
            sex = "female" if role in FEMALE_ROLES else "male" if role in MALE_ROLES else ""
            person = self._person("relative", sex)
            person.role = role
            self.relatives.append(person)
            fresh = [person]
        person = fresh[0] if fresh else self.rng.choice(self.relatives)
        person.introduced = True
        role, rng = person.role, self.rng
        form = rng.choices(range(7), weights=(35, 12, 12, 10, 8, 10, 13))[0]
        if form in (3, 5) and role in ("friend", "HCP"):
            form = 0  # only family shares the patient's surname
        if form == 0:
            return [self.body(f"{role} "), self.phi(person.first, PERSON)]
        if form == 1:
            return [self.phi(person.first, PERSON), self.body(f" ({role})")]
        if form == 2:
            return [self.body(f"pt's {role} "), self.phi(person.first, PERSON)]
        if form == 3:
            return [self.body(f"{role} "), self.phi(f"{person.first} {self.patient.last}", PERSON)]
        if form == 4:
            return [self.body(f"{role}, "), self.phi(person.first, PERSON)]
        if form == 5:
            title = "Mrs." if role in ("wife", "daughter", "dtr", "sister", "niece") else "Mr."
            return [self.body(f"{title} "), self.phi(self.patient.last, PERSON), self.body(f" ({role})")]
        return [self.body(role)]

    def slot_relname(self) -> list[Piece]:
        """A relative met before, by first name."""
        if self.phi_free:
            return [self.body("family")]
        if not self.relatives:
            return self.slot_relative()
        person = self.rng.choice(self.relatives)
        if not person.introduced:
            return self.slot_relative()
        if self.rng.random() < 0.25:
            return [self.body(person.role)]
        return [self.phi(person.first, PERSON)]

    def slot_doctor(self) -> list[Piece]:
        """A clinician by title and name, or a team without one."""
        rng = self.rng
        if self.phi_free or rng.random() < 0.15:
            return [self.body(rng.choice(FILLERS["team"]))]
        if not self.clinicians or (len(self.clinicians) < 3 and rng.random() < 0.4):
            self.clinicians.append(self._person("clinician"))
        doc = rng.choice(self.clinicians)
        form = rng.choices(range(8), weights=(30, 12, 12, 10, 8, 8, 8, 12))[0]
        title = ("Dr. ", "Dr.", "Dr ", "Dr. ", "NP ", "PA-C ", "Dr. ", "Dr. ")[form]
        name = (doc.last, doc.last, doc.last, f"{doc.first} {doc.last}", doc.first, doc.last,
                f"{doc.first[0]}. {doc.last}", doc.last)[form]
        pieces = [self.body(title), self.phi(name, PERSON)]
        if form == 7:
            pieces.append(self.body(rng.choice(("'s team", " (cards)", " from renal", " (MICU)"))))
        return pieces

    def slot_patient(self) -> list[Piece]:
        """The patient, by title and surname or full name."""
        pt, rng = self.patient, self.rng
        form = rng.choices(range(4), weights=(40, 25, 15, 20))[0]
        title = "Mr." if self.sex == "male" else rng.choice(("Mrs.", "Ms."))
        if form == 0:
            return [self.body(f"{title} "), self.phi(pt.last, PERSON)]
        if form == 1:
            return [self.body("Pt "), self.phi(f"{pt.first} {pt.last}", PERSON)]
        if form == 2:
            return [self.phi(f"{pt.first} {pt.last}", PERSON)]
        return [self.body("Pt")]

    def slot_ptname(self) -> list[Piece]:
        """The patient met again: first name, or title and surname."""
        if self.phi_free:
            return [self.body("Pt")]
        if self.rng.random() < 0.55:
            return [self.phi(self.patient.first, PERSON)]
        title = "Mr." if self.sex == "male" else self.rng.choice(("Mrs.", "Ms."))
        return [self.body(f"{title} "), self.phi(self.patient.last, PERSON)]

    def slot_age(self) -> list[Piece]:
        """An age in words; over 89 it is personal data (the number only)."""
        rng = self.rng
        old = not self.phi_free and rng.random() < 0.3
        number = str(rng.randint(90, 104) if old else rng.randint(24, 89))
        after = rng.choice((" yo", " y/o", "yo", " year old", " yr old", " y.o.", " YO"))
        return [Piece(number, AGE if old else None), self.body(after)]

    def slot_age_words(self) -> list[Piece]:
        """``age 93`` / ``aged 91``: the number after a word."""
        old = not self.phi_free and self.rng.random() < 0.35
        number = str(self.rng.randint(90, 102) if old else self.rng.randint(30, 89))
        return [self.body(self.rng.choice(("age ", "aged ", "age: "))), Piece(number, AGE if old else None)]

    def slot_age_short(self) -> list[Piece]:
        """``93M`` / ``67F``: the number, then a sex letter."""
        old = not self.phi_free and self.rng.random() < 0.35
        number = str(self.rng.randint(90, 103) if old else self.rng.randint(22, 89))
        return [Piece(number, AGE if old else None), self.body("M" if self.sex == "male" else "F")]

    def slot_hospital(self) -> list[Piece]:
        """The hospital the patient came from or goes back to; sometimes just ``OSH``."""
        if self.phi_free or self.rng.random() < 0.15:
            return [self.body("OSH")]
        return [self.phi(self._facility("hospital", HOSPITAL_FORMS), ORGANIZATION)]

    def slot_facility(self) -> list[Piece]:
        """A rehab or nursing facility for discharge."""
        if self.phi_free or self.rng.random() < 0.1:
            return [self.body(self.rng.choice(("rehab", "rehab facility", "ECF")))]
        return [self.phi(self._facility("facility", FACILITY_FORMS), ORGANIZATION)]

    def slot_nursing_home(self) -> list[Piece]:
        """The facility the patient lived in before admission."""
        if self.phi_free:
            return [self.body("NH")]
        return [self.phi(self._facility("nursing_home", FACILITY_FORMS), ORGANIZATION)]

    def slot_clinic(self) -> list[Piece]:
        """An outpatient clinic."""
        return [self.phi(self._facility("clinic", CLINIC_FORMS), ORGANIZATION)]

    def slot_town(self) -> list[Piece]:
        """A town, surrogate New England or invented."""
        if self.phi_free:
            return [self.body("home")]
        return [self.phi(self._city(), LOCATION)]

    def slot_state(self) -> list[Piece]:
        """A state, mostly as a two-letter abbreviation (``PA``, ``MD``, ``CT``...)."""
        state = self.rng.choice(STATE_ABBREVIATIONS) if self.rng.random() < 0.7 else self.rng.choice(STATE_NAMES)
        return [self.phi(state, LOCATION)]

    def slot_address(self) -> list[Piece]:
        """A street address, sometimes followed by its town (two spans)."""
        rng = self.rng
        street = rng.choice(STREET_WORDS) if rng.random() < 0.5 else self._name("last")
        address = f"{rng.randint(1, 480)} {street} {rng.choice(STREET_SUFFIXES)}"
        pieces = [self.phi(address, LOCATION)]
        if rng.random() < 0.6:
            pieces += [self.body(", "), self.phi(self._city(), LOCATION)]
        return pieces

    def slot_date(self) -> list[Piece]:
        """A calendar date."""
        if self.phi_free:
            return [self.body(self.rng.choice(FILLERS["relday"]))]
        return [self.phi(self._date(), DATE_TIME)]

    def slot_past_date(self) -> list[Piece]:
        """A date of past history, which may be a month and year or a year."""
        return [self.phi(self._date(past=True), DATE_TIME)]

    def slot_phone(self) -> list[Piece]:
        """A phone number."""
        return [self.phi(self._phone(), PHONE_NUMBER)]

    def slot_pager(self) -> list[Piece]:
        """A pager number, ``x4-5678`` style."""
        rng = self.rng
        number = rng.choice((f"x{rng.randint(2, 7)}-{rng.randint(0, 9999):04d}", f"x{rng.randint(10000, 79999)}",
                             f"{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}"))
        before = rng.choice(("", "", "pager ", "beeper #", "#"))
        return [self.body(before), self.phi(number, PHONE_NUMBER)]

    def slot_mrn_ref(self) -> list[Piece]:
        """A record number after its prefix (``MRN``, ``unit #``); the number is the span."""
        rng = self.rng
        if self.phi_free:
            return [self.body("see chart")]
        number = str(rng.randint(10**5, 10**8 - 1))
        prefix = rng.choice(("MRN ", "MRN: ", "MR# ", "unit #", "unit # ", "med rec #", "hospital # ", "MR #"))
        return [self.body(prefix), self.phi(number, ID)]

    # ---------------------------------------------------------------- non-personal slots

    def slot_filler(self, name: str) -> str:
        """Non-personal slot text: a pool choice, a ranged number or a clinical value."""
        rng = self.rng
        if name in FILLERS:
            return rng.choice(FILLERS[name])
        ranged = re.fullmatch(r"n(\d+)_(\d+)", name)
        if ranged:
            return str(rng.randint(int(ranged[1]), int(ranged[2])))
        lo = rng.randrange(60, 120, 10)
        values: dict[str, Callable[[], str]] = {
            "hr": lambda: rng.choice((f"{lo}-{lo + 10}'s", f"{lo}S-{lo + 10}S", f"{lo}-{lo + 20}", f"{lo}'s")),
            "bp": lambda: rng.choice((f"{lo + 40}-{lo + 60}/{lo - 10}'s", f"{lo + 40}/{lo - 20}",
                                      f"{lo + 30}-{lo + 40}/{lo - 30}-{lo - 20}", f"{lo + 50}/{lo}")),
            "sbp": lambda: rng.choice((f"{lo + 20}-{lo + 40}", f"{lo + 30}'s", f">{lo + 30}")),
            "map": lambda: rng.choice(("60-70", "65-75", ">60", "55-65", "70's")),
            "dose": lambda: rng.choice(("0.5mcg/kg/min", "2mcg/kg", "1.2", "4mcg/kg/min", "0.04u/min", ".8mcg")),
            "sat": lambda: rng.choice(("95-98%", "92-95%", "97-100%", ">94%", "88-92%", "100%")),
            "rr": lambda: rng.choice(("16-20", "12-18", "20's", "24-30", "14")),
            "abg": lambda: f"7.{rng.randint(25, 48)}/{rng.randint(30, 60)}/{rng.randint(60, 140)}",
            "time": lambda: rng.choice(("0200", "2200", "0400", "1600", "0630", "1930", "2300", "0100", "1000",
                                        "noon", "MN")),
            "pupil": lambda: rng.choice(("3", "2", "3-2", "4-3", "2-1")),
            "pain": lambda: rng.choice(("4/10", "3-4/10", "8/10", "6/10", "2/10", "7-8/10")),
            "gcs": lambda: rng.choice(("15", "14", "10T", "3T", "8")),
            "q": lambda: rng.choice(("1", "2", "4", "1-2")),
            "cvp": lambda: rng.choice(("8-12", "10-14", "4-6", "15-18")),
            "pa": lambda: rng.choice(("40/20", "35-40/18-22", "50/25", "30's/teens")),
            "hct": lambda: f"{rng.randint(22, 38)}.{rng.randint(0, 9)}",
            "inr": lambda: f"{rng.randint(1, 3)}.{rng.randint(0, 9)}",
            "k": lambda: f"{rng.randint(3, 5)}.{rng.randint(0, 9)}",
            "plt": lambda: str(rng.randint(40, 400)),
            "io": lambda: rng.choice((f"+{rng.randint(2, 30)}00", f"{rng.randint(8, 30)}00/{rng.randint(5, 25)}00",
                                      f"neg {rng.randint(2, 15)}00", "even")),
            "bun": lambda: str(rng.randint(12, 90)),
            "cr": lambda: f"{rng.randint(0, 4)}.{rng.randint(0, 9)}",
            "tmax": lambda: f"{rng.choice(('99', '100', '101', '102'))}.{rng.randint(0, 9)}",
            "wbc": lambda: f"{rng.randint(4, 24)}.{rng.randint(0, 9)}",
            "fsbs": lambda: rng.choice(("120-180", "180-220", "90's", "240", "150's")),
            "guaiac": lambda: rng.choice(("neg", "pos", "+", "sent")),
            "proc": lambda: rng.choice(("EGD", "CT abd", "MRI", "bronch", "trach/PEG", "cath", "IR", "TEE", "HD")),
            "sex": lambda: self.sex if rng.random() < 0.7 else self.sex[0].upper(),
        }
        return values[name]()

    # ---------------------------------------------------------------- assembly

    def fill(self, template: str) -> list[Piece]:
        """A template with its slots filled, as cased pieces."""
        pieces: list[Piece] = []
        for index, part in enumerate(SLOT.split(template)):
            if index % 2 == 0:
                if part:
                    pieces.append(self.body(part))
            elif hasattr(self, f"slot_{part}"):
                pieces += [p for p in getattr(self, f"slot_{part}")() if p.text]
            else:
                pieces.append(self.body(self.slot_filler(part)))
        return pieces

    def allowed(self, template: str) -> bool:
        """Whether a template may be used (a note without personal data skips the ones that need some)."""
        return not (self.phi_free and PHI_SLOTS.intersection(SLOT.findall(template)))

    def add_sentence(self, section: Section) -> bool:
        """One more unused template of the section; False when none is left."""
        templates = [t for t in SECTIONS[section.key][1] if t not in section.used and self.allowed(t)]
        if not templates:
            return False
        template = self.rng.choice(templates)
        section.used.add(template)
        section.sentences.append(self.fill(template))
        return True

    def new_section(self, key: str) -> Section:
        """A section with a header in the note's case and one to five sentences."""
        headers = SECTIONS[key][0]
        header = "" if self.layout == "para" and self.rng.random() < 0.1 else self.case_header(self.rng.choice(headers))
        section = Section(key, header)
        for _ in range(self.rng.choice((1, 2, 2, 3, 3, 4, 4, 5))):
            self.add_sentence(section)
        return section

    def plan_sections(self) -> list[Section]:
        """A random subset of sections, mostly in systems order, social and plan near the end."""
        rng = self.rng
        body = [k for k in CANONICAL_ORDER if k not in ("social", "plan")]
        weights = {"neuro": 0.85, "cv": 0.9, "resp": 0.85, "gi": 0.75, "gu": 0.7, "id": 0.5, "endo": 0.3,
                   "heme": 0.25, "skin": 0.45, "activity": 0.3, "access": 0.25}
        keys = [k for k in body if rng.random() < weights[k]]
        if rng.random() < 0.25:
            rng.shuffle(keys)
        if rng.random() < (0.5 if self.phi_free else 0.8):
            keys.append("social")
        if rng.random() < 0.85:
            keys.append("plan")
        return [self.new_section(k) for k in keys]

    def intro(self) -> list[Piece]:
        """The admission summary sentence, in most notes."""
        templates = [t for t in INTROS if self.allowed(t)]
        return self.fill(self.rng.choice(templates)) if self.rng.random() < 0.7 else []

    def opening(self) -> list[Piece]:
        """The note's title line (``NPN 7P-7A``)."""
        templates = [t for t in OPENINGS if self.allowed(t)]
        return [Piece(self.case_header(p.text), p.label) if not p.label else p
                for p in self.fill(self.rng.choice(templates))]

    def signoff(self) -> list[Piece]:
        """The nurse's signature at the end, or nothing."""
        rng = self.rng
        if rng.random() < 0.2:
            return []
        if self.phi_free:
            return [self.body(rng.choice(("- RN", "RN", "---RN")))]
        nurse = self._person("nurse", rng.choice(("female", "female", "male")))
        forms = (
            ("- ", f"{nurse.first[0]}. {nurse.last}", " RN"), ("", nurse.first, " rn"),
            ("", f"{nurse.first[0]}.{nurse.last}", ",RN"), ("", f"{nurse.first} {nurse.last}", ", RN"),
            ("-----", f"{nurse.first} {nurse.last}", " RN, BSN"), ("RN: ", f"{nurse.first[0]}. {nurse.last}", ""),
            ("- ", nurse.first, ""), ("", f"{nurse.first} {nurse.last[0]}", ", RN"), ("", nurse.last, " RN"),
        )
        before, name, after = rng.choice(forms)
        pieces = [self.body(before), self.phi(name, PERSON), self.body(after)]
        return [p for p in pieces if p.text]

    def render(self, opening: list[Piece], intro: list[Piece], sections: list[Section],
               signoff: list[Piece]) -> tuple[str, list[dict]]:
        """Join pieces with note-like spacing; spans follow the personal pieces."""
        rng = self.rng
        parts: list[str] = []
        spans: list[dict] = []
        position = 0

        def emit(pieces: Sequence[Piece]) -> None:
            nonlocal position
            for piece in pieces:
                if piece.label:
                    spans.append({"start": position, "end": position + len(piece.text), "label": piece.label})
                parts.append(piece.text)
                position += len(piece.text)

        def sentences(items: list[list[Piece]]) -> None:
            for index, sentence in enumerate(items):
                last = sentence[-1]
                if index + 1 < len(items) and not last.label and last.text.endswith(".") and rng.random() < 0.08:
                    sentence = sentence[:-1] + ([Piece(last.text[:-1])] if len(last.text) > 1 else [])
                    emit(sentence)
                    emit([Piece(rng.choice((", ", "  ", " - ", "; ")))])
                    continue
                emit(sentence)
                if index + 1 < len(items):
                    emit([Piece(rng.choices((" ", "  ", "", "\n", " "), weights=(60, 15, 10, 5, 10))[0])])

        section_sep = {"lines": "\n", "para": rng.choice((" ", "  ", " ")), "blank": "\n\n"}[self.layout]
        if opening:
            emit(opening)
            emit([Piece("\n" if self.layout != "blank" else "\n\n")])
        if intro:
            sentences([intro])
            emit([Piece(section_sep if self.layout != "para" else " ")])
        for index, section in enumerate(sections):
            if section.header:
                emit([Piece(section.header + self.header_sep)])
            sentences(section.sentences)
            if index + 1 < len(sections):
                separator = section_sep if rng.random() < 0.9 else rng.choice(("\n", " ", "\n\n"))
                emit([Piece(separator)])
        if signoff:
            emit([Piece(rng.choice(("\n", "\n", " ", "\n\n")))])
            emit(signoff)
        return "".join(parts), spans

    def write(self) -> dict:
        """The note as ``{doc_id, text, spans}``, between MIN_WORDS and MAX_WORDS words."""
        opening, intro, sections, signoff = self.opening(), self.intro(), self.plan_sections(), self.signoff()
        for _ in range(200):
            text, spans = self.render(opening, intro, sections, signoff)
            words = word_count(text)
            if words < MIN_WORDS:
                candidates = [s for s in sections if s.key not in ("social",)] or sections
                if not candidates or not self.add_sentence(self.rng.choice(candidates)):
                    missing = [k for k in CANONICAL_ORDER if k not in {s.key for s in sections}]
                    if missing:
                        section = self.new_section(self.rng.choice(missing))
                        sections.insert(max(len(sections) - 1, 0), section)
                    else:
                        self.add_sentence(self.rng.choice(sections))
            elif words > MAX_WORDS:
                longest = max(sections, key=lambda s: len(s.sentences))
                if len(longest.sentences) > 1:
                    longest.sentences.pop(self.rng.randrange(len(longest.sentences)))
                else:
                    sections.remove(longest)
            else:
                break
        return {"doc_id": self.doc_id, "text": text, "spans": spans}


# ---------------------------------------------------------------------------------------- public


def _fakers(rng: random.Random) -> dict[str, Faker]:
    """One Faker per name locale, seeded from ``rng`` (never from global state)."""
    fakers: dict[str, Faker] = {}
    for locale, _ in NAME_LOCALES:
        fake = Faker(locale)
        fake.seed_instance(rng.randrange(2**32))
        fakers[locale] = fake
    return fakers


def generate_notes(count: int, seed: int) -> list[dict]:
    """``count`` notes ``{doc_id, text, spans}``, the same ones for the same seed."""
    rng = random.Random(seed)
    fakers = _fakers(rng)
    return [NoteWriter(rng, fakers, f"npn-{seed}-{index:05d}").write() for index in range(count)]


def write_notes(path: Path, count: int, seed: int) -> int:
    """Write ``count`` notes as JSON lines to ``path``; returns how many were written."""
    notes = generate_notes(count, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for note in notes:
            handle.write(json.dumps(note, ensure_ascii=False) + "\n")
    return len(notes)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: write generated nursing notes with gold spans as JSONL."""
    parser = argparse.ArgumentParser(
        prog="python -m dapt.privacy.nursing_notes",
        description="Generate ICU nursing progress notes (MIMIC-II era style, invented, not real) with exact gold "
        "PII spans, as JSONL rows {doc_id, text, spans[{start, end, label}]} for `dapt privacy evaluate`. "
        f"Labels: {', '.join(sorted(LABELS))}.",
    )
    parser.add_argument("--count", type=int, default=300, help="how many notes (default 300)")
    parser.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same notes")
    parser.add_argument("--out", type=Path, required=True, help="the JSONL file to write")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be 0 or more")
    written = write_notes(args.out, args.count, args.seed)
    print(f"wrote {written} notes to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
