"""Each dapt recognizer on its own: a table of positives and look-alike negatives."""

from __future__ import annotations

import pytest

from dapt.domains.finance.recognizers import AccountNumberRecognizer
from dapt.domains.medical.recognizers import (
    AgeOver89Recognizer,
    FacilityCueRecognizer,
    HealthPlanIdRecognizer,
    HospitalRecognizer,
    MrnRecognizer,
)
from dapt.privacy.recognizers.addresses import AddressRecognizer
from dapt.privacy.recognizers.contact import (
    CityStateRecognizer,
    ExtensionRecognizer,
    GuardedUrlRecognizer,
    HomeTownRecognizer,
    InternationalPhoneRecognizer,
    LongNumberRecognizer,
    NanpPhoneRecognizer,
    TownRecognizer,
    TownSuffixRecognizer,
    VisitorTownRecognizer,
    ZipCodeRecognizer,
)
from dapt.privacy.recognizers.dates import (
    GuardedDateRecognizer,
    MonthNameDateRecognizer,
    ShortDateRecognizer,
    TimestampRecognizer,
)
from dapt.privacy.recognizers.gazetteer import GazetteerNameRecognizer
from dapt.privacy.recognizers.identifiers import SwiftBicRecognizer
from dapt.privacy.recognizers.names import (
    CaredForNameRecognizer,
    CredentialedNameRecognizer,
    IdentifiedNameRecognizer,
    KinNamedRecognizer,
    LabelledNameRecognizer,
    SignatureRecognizer,
    SignOffRecognizer,
    SurnameCueRecognizer,
    TitledNameRecognizer,
    UpperCaseNameRecognizer,
    WordNameRecognizer,
)
from dapt.privacy.recognizers.organisations import CompanySuffixRecognizer, EmployerRecognizer, PartnersRecognizer
from dapt.privacy.recognizers.places import PlaceGazetteerRecognizer

SCORE_THRESHOLD = 0.3  # below it: weak patterns that only count once the analyzer finds a context word

# fmt: off
CASES = [
    (MrnRecognizer,        "MRN: 4829301 on file",             ["4829301"]),        # labelled
    (MrnRecognizer,        "MR# 42183829",                      ["42183829"]),       # MR# label
    (MrnRecognizer,        "Unit No: 8684346 Date",             ["8684346"]),        # unit number
    (HospitalRecognizer,   "seen at Mercy General Hospital.",  ["Mercy General Hospital"]),
    (HospitalRecognizer,   "admitted to the hospital today",   []),                 # generic, lower-case
    (HospitalRecognizer,   "BRIEF HOSPITAL COURSE: did well",  []),                 # a section of the note
    (AgeOver89Recognizer,  "a 92 yo woman",                     ["92"]),
    (AgeOver89Recognizer,  "a 62 yo woman",                     []),                 # under 90 is not PHI
    (AgeOver89Recognizer,  "pt (age: 101) w/ gi bleed",         ["101"]),            # after a label
    (AgeOver89Recognizer,  "MRS. HILL, 93F, ADMITTED",          ["93"]),             # before the sex
    (AgeOver89Recognizer,  "tmax 99F overnight",                []),                 # a temperature
    (AgeOver89Recognizer,  "94 yr old female",                  ["94"]),             # yr old
    (AgeOver89Recognizer,  "Localization of technetium-99m-glucarate", []),          # an isotope
    (AgeOver89Recognizer,  "imaged using Tc99m(v) DMSA",        []),
    (AgeOver89Recognizer,  "using technetium 99m hexamethylpropyleneamine", []),
    (HospitalRecognizer,   "sent to jones nursing home.",       ["jones nursing home"]),   # lower case, a surname
    (HospitalRecognizer,   "back to holy name hospital when",   ["holy name hospital"]),   # lower case, a name word
    (HospitalRecognizer,   "referred to cardiac rehab center",  []),                 # vocabulary only
    (HospitalRecognizer,   "referred to Medical Center's Outpatient Rehabilitation Department", []),  # no name in it
    (HospitalRecognizer,   "admitted to Inpatient Rehabilitation Center.", []),      # the kind of care only
    (HospitalRecognizer,   "seen at Memorial Medical Center's Outpatient Rehabilitation",
     ["Memorial Medical Center's Outpatient Rehabilitation"]),                            # a name before it
    (HospitalRecognizer,   "pt at OSH hospital overnight",      []),                 # the outside hospital
    (HospitalRecognizer,   "seen at New England Medical Center", ["New England Medical Center"]),  # capitalised common word
    (HospitalRecognizer,   "TRANSFERRED FROM ST. PIERRE'S W/",  ["ST. PIERRE'S"]),   # a saint's hospital
    (HospitalRecognizer,   "University Hospital of Lynchton. Patient", ["University Hospital of Lynchton"]),  # named after
    (HospitalRecognizer,   "neurovascularly intact.\nHOSPITAL COURSE: The", []),     # a header after a line break
    (HospitalRecognizer,   "NOTE\nPort Alanshire Community Hospital", ["Port Alanshire Community Hospital"]),  # one line
    (HospitalRecognizer,   "Questions regarding hospital stay", []),                 # case changes: no name
    (HospitalRecognizer,   "admitted via ABCD Hospital",       []),                 # ``via`` ends it; ABCD: initials
    (HospitalRecognizer,   "back to Mercy general hospital",   ["Mercy general hospital"]),  # a kind of facility
    (HospitalRecognizer,   "to Garden Court skilled nursing facility", ["Garden Court skilled nursing facility"]),
    (HospitalRecognizer,   "went to His hospital and",         []),                 # a determiner
    (HospitalRecognizer,   "sent to sacred heart hospital",    ["sacred heart hospital"]),  # named for a faith
    (HospitalRecognizer,   "was at the patient's hospital",    []),                 # vocabulary, possessive
    (TitledNameRecognizer, "dr. kaufman aware",                 ["kaufman"]),        # lower-case name
    (TitledNameRecognizer, "Dear Dr. Bennett,",                 ["Bennett"]),
    (LabelledNameRecognizer, "Patient: Meagan Mercer  MR#",     ["Meagan Mercer"]),
    (LabelledNameRecognizer, "Customer: My email has changed",  []),                 # "My" is a name somewhere, and everyday English
    (LabelledNameRecognizer, "Patient: Stable overnight",       []),                 # not a known name
    (LabelledNameRecognizer, "a total of 5 cc per kg given",    []),                 # cc after a number: a unit
    (LabelledNameRecognizer, "Sincerely, Dr. X cc: Mary Jones", ["Mary Jones"]),     # cc: a copy's label
    (LabelledNameRecognizer, "What's your last name? Boyle",    ["Boyle"]),          # a question as the label
    (LabelledNameRecognizer, 'mika: "who are you?"\nCustomer: "hi"', ["mika"]),     # a speaker; a role is none
    (LabelledNameRecognizer, "PT FROM QUINCY, LIVES WITH",      []),                 # a preposition, then a place
    (LabelledNameRecognizer, "Pt asking for sister, sister called", []),             # the relation again
    (LabelledNameRecognizer, "AWARE. RN: A. SOUSA",             ["A. SOUSA"]),       # an initial is no preposition
    (SurnameCueRecognizer, "my surname on the account changed to Brewer. Please", ["Brewer"]),  # a name change
    (SurnameCueRecognizer, "Her maiden name is Kowalski.",       ["Kowalski"]),       # in no gazetteer
    (SurnameCueRecognizer, "last name: o'neil, first",           ["o'neil"]),         # lower case
    (SurnameCueRecognizer, "Surname: Garcia-Lopez",              ["Garcia-Lopez"]),   # double-barrelled
    (SurnameCueRecognizer, "the surname field is blank",         []),                 # no cue verb
    (SurnameCueRecognizer, "last name is missing from the form", []),                 # vocabulary
    (CredentialedNameRecognizer, "changes. michelle, rn",       ["michelle"]),
    (CredentialedNameRecognizer, "monitor uo, lytes. h.rousseau,rn", ["h.rousseau"]),  # an initial, no space
    (CredentialedNameRecognizer, "- J. JONES rn",                ["J. JONES"]),       # a sign-off in capitals
    (CredentialedNameRecognizer, "notify md",                    []),                 # not a name
    (KinNamedRecognizer,   "dylan (brother) in to visit",        ["dylan"]),          # a relation in brackets
    (KinNamedRecognizer,   "MAY (NIECE) AND SISTER",             ["MAY"]),            # in capitals
    (KinNamedRecognizer,   "support (family) given",             []),                 # not a known name
    (KinNamedRecognizer,   "son Will from Dover in to visit",    ["Will"]),           # capitalised after a relation
    (KinNamedRecognizer,   "niece and niece, May at bedside",    ["May"]),
    (KinNamedRecognizer,   "The Son Also Rises; Mother Called",  []),                 # no name after the relation
    (LabelledNameRecognizer, "hcp vincent and daughter",         ["vincent"]),        # a carer
    (LabelledNameRecognizer, "rn: y. mcgahey",                   ["y. mcgahey"]),     # an initial after a label
    (TitledNameRecognizer, "family meeting w/ dr. m. tanner",    ["m. tanner"]),      # an initial after a title
    (TitledNameRecognizer, "seen by dr. young today",            ["young"]),          # a known name that is a word
    (TitledNameRecognizer, "safe agent in MR imaging of the head", []),               # MR imaging: vocabulary
    (TitledNameRecognizer, "272 +/- 34 ms vs after drugs",       []),                 # milliseconds, not Ms.
    (TitledNameRecognizer, "protein (Mr approximately 38,000)",  []),                 # molecular weight
    (TitledNameRecognizer, "seen by Dr. X. The patient is",     ["X"]),              # an initial, then a sentence
    (TitledNameRecognizer, "per Dr. Y. DISCHARGE DIAGNOSES",    ["Y"]),              # an initial, then a header
    (TitledNameRecognizer, "seen by Dr. J. Young today",        ["J. Young"]),       # a surname that is a word
    (CredentialedNameRecognizer, "notify md w/ changes",        []),                 # "notify" is no name
    (IdentifiedNameRecognizer, "2008 Sian Cowely (Medical record number 9129226):", ["Sian Cowely"]),  # unknown surname
    (IdentifiedNameRecognizer, "Ann Lee, MRN: 4482913",          ["Ann Lee"]),
    (IdentifiedNameRecognizer, "Seen in Emergency Department (MRN 4482913)", []),    # everyday words
    (IdentifiedNameRecognizer, "Sian Cowely (seen today)",      []),                 # no identifier after it
    (AddressRecognizer,    "lives at 269 Holly Union Apt. 900, Port Anne", ["269 Holly Union Apt. 900, Port Anne"]),
    (AddressRecognizer,    "gave 20 Units of insulin",         []),                 # not a street
    (AddressRecognizer,    "taken to operative suite #2, then Suite #200", ["Suite #200"]),  # a theatre, a suite
    (AddressRecognizer,    "lives at 87 DANIELS ST - dtr faith visiting", ["87 DANIELS ST"]),  # the clause ends it
    (AddressRecognizer,    "at 14 Crown Street\n Suite 321\n LONDON\n United Kingdom 75419\nThanks",
                           ["14 Crown Street\n Suite 321\n LONDON\n United Kingdom 75419"]),  # block
    (AddressRecognizer,    "send it to Magasinsgatan 7, Lund.", ["Magasinsgatan 7, Lund"]),  # fused ending
    (AddressRecognizer,    ">228 Ringvej 144\n>Apt. 902\n>Qaqortoq\n>Greenland 96817\n>Thanks",
                           ["228 Ringvej 144\n>Apt. 902\n>Qaqortoq\n>Greenland 96817"]),  # quoted e-mail block
    (AddressRecognizer,    "at Villacher Strasse 89 today",    ["Villacher Strasse 89"]),  # German
    (AddressRecognizer,    "Rua do Arenque 1634 e",            ["Rua do Arenque 1634"]),  # Portuguese
    (AddressRecognizer,    "to C/ Señores Curas 88 street",   ["C/ Señores Curas 88"]),  # Spanish Calle, shortened
    (AddressRecognizer,    "at 26 rue des lieutemants Thomazo\n", ["26 rue des lieutemants Thomazo"]),  # lower case
    (AddressRecognizer,    "gave 2 via PEG tube",              []),                 # "via" is a route
    (AddressRecognizer,    "PSC 3294, Box 9168\nAPO AA 61487", ["PSC 3294, Box 9168\nAPO AA 61487"]),  # military
    (AddressRecognizer,    "meet at the corner of Oak Street and Elm", ["the corner of Oak Street and Elm"]),
    (AddressRecognizer,    "walked 50 feet in the hall",       []),                 # distance, no street word
    (AddressRecognizer,    "via PEG tube 2 cans",              []),                 # "via" as a route
    (AddressRecognizer,    "address on file. cust verified, SSN 831", []),          # number after the sentence
    (AddressRecognizer,    "at Locavore, 641 Dašická 688, today", ["641 Dašická 688"]),  # number, name, number
    (AddressRecognizer,    "take 2 Tylenol 500 mg; 4.5 Synovial Resector. 4. The", []),  # a drug, a tool
    (AddressRecognizer,    "Trivo lives on Grössgstötten 50 street.", ["Grössgstötten 50"]),  # a cue, no street word
    (AddressRecognizer,    "pt is on Levophed 5 mcg; lives on Social Security 2 yrs", []),  # vocabulary after "on"
    (AddressRecognizer,    "Lisinopril 10 mg qd Lopressor 50 mg bid", []),  # a dose ("sor" ends Hungarian streets)
    (AddressRecognizer,    "10:40 PM Dr. ABC apprised",        []),                 # a clock time, no house number
    (AddressRecognizer,    "IMPRESSION: 1. Acute ST-elevation", []),               # a list's number, the ST segment
    (AddressRecognizer,    "which revealed 2 mm ST segment depression", []),       # a measure
    (AddressRecognizer,    "was located at 25 cm from the central incisors.", []),  # a cue, then a measure
    (AddressRecognizer,    "She moved to Colorado 37 years ago.", []),             # a cue, then a time
    (AddressRecognizer,    "lives at home with his parents, 2 brothers.", []),
    (AddressRecognizer,    "dtr moved to 12 Elm St; visits daily", ["12 Elm St"]),  # a cue, then a house number
    (GazetteerNameRecognizer, "Directed By: Johannes Varvio",  ["Johannes Varvio"]), # first name, rare word
    (GazetteerNameRecognizer, "by Szabina J Gelencsér today",  ["Szabina J Gelencsér"]),  # initial shape
    (GazetteerNameRecognizer, "spoke with patricia desrosiers", ["patricia desrosiers"]),  # lower case
    (GazetteerNameRecognizer, "my name is benjamin a seiler",  ["benjamin a seiler"]),  # pairs overlap
    (GazetteerNameRecognizer, "a diamond keratome was used",   []),                 # a rare word, yet vocabulary
    (GazetteerNameRecognizer, "per Rintanen, plan",            ["Rintanen"]),       # surname ending
    (GazetteerNameRecognizer, "seen by Abramovich today",      ["Abramovich"]),     # surname ending, rare word
    (GazetteerNameRecognizer, "visit to Ostrich Farm",         []),                 # ending, yet an English word
    (GazetteerNameRecognizer, "Will Continue Current Plan",    []),                 # common words
    (GazetteerNameRecognizer, "will mark site, may need",      []),                 # names that are words
    (PlaceGazetteerRecognizer, "moved from Charleroi, Belgium", ["Charleroi", "Belgium"]),
    (PlaceGazetteerRecognizer, "Nice to meet you",             []),                 # a town that is a word
    (PlaceGazetteerRecognizer, "MOVED FROM CHARLEROI, PERU LAST YEAR", ["CHARLEROI", "PERU"]),  # long town, country
    (PlaceGazetteerRecognizer, "from Tol to Levo", []),                             # towns somewhere, shorthand here
    (PlaceGazetteerRecognizer, "moved from Charleroi to Tol", ["Charleroi"]),       # a town beside shorthand
    (CompanySuffixRecognizer, "works at Streetcred Software Inc. now", ["Streetcred Software Inc."]),
    (CompanySuffixRecognizer, "stillwater supercomputing inc. said", ["stillwater supercomputing inc."]),
    (CompanySuffixRecognizer, "the software group met",        []),                 # lower case, no legal suffix
    (CompanySuffixRecognizer, "In Group I, there was a decrease", []),               # a function word, then Group
    (CompanySuffixRecognizer, "Studies with LLC-PK1 cells",      []),                 # a cell line
    (CompanySuffixRecognizer, "First National Bank of Omaha",    ["First National Bank"]),
    (CompanySuffixRecognizer, "Hanne from Can Capital spoke",    ["Can Capital"]),     # a modal verb, then Capital
    (PartnersRecognizer,   "counsel Owens, Duran and Oneal LLP", ["Owens, Duran and Oneal"]),
    (PartnersRecognizer,   "Weeks-Rivas filed",                ["Weeks-Rivas"]),
    (PartnersRecognizer,   "Guillain-Barre syndrome",          []),                 # eponyms, not surnames
    (InternationalPhoneRecognizer, "call +41 (0)96 471 07 95 now", ["+41 (0)96 471 07 95"]),
    (InternationalPhoneRecognizer, "Desk: (37) 788-063-Office",  ["(37) 788-063"]),
    (InternationalPhoneRecognizer, "3660170548-Fax",           ["3660170548"]),     # line label after
    (InternationalPhoneRecognizer, "gave 2 mg at 10 30",       []),                 # weak, no cue word
    (LongNumberRecognizer, "card 4969800024734372 lost",       ["4969800024734372"]),
    (LongNumberRecognizer, "platelets 150000 cells, 12345 mg, 3.14159", []),        # units and decimals
    (LongNumberRecognizer, "Revision rhinoplasty (CPT 30450). Cartilage (CPT 21235).", []),  # procedure codes
    (LongNumberRecognizer, "single vessel. 93556, 59, Imaging supervision", []),    # a code with its modifier
    (LongNumberRecognizer, "PROCEDURE CODES: 64640 times three, 64614 times four", []),
    (LongNumberRecognizer, "CPT codes reviewed. Account 4969800024734372", ["4969800024734372"]),  # next sentence
    (LongNumberRecognizer, "zip code 02139, account 58213", ["02139", "58213"]),    # other codes stay
    (LongNumberRecognizer, "MRN 1234567, 59 yo male", ["1234567"]),                # no code: seven digits
    (LongNumberRecognizer, "CPT 15825 done on MRN 1234567", ["1234567"]),           # after CPT, not a code
    (LongNumberRecognizer, "fusion at C5-C6 (22554, 22585) with cage (22851).", []),  # codes in brackets
    (LongNumberRecognizer, "MRN (1234567), zip (02139 MA)", ["1234567", "02139"]),  # seven digits; no code list
    (TimestampRecognizer,  "logged 2000-04-16 11:34:35 by",    ["2000-04-16 11:34:35"]),
    (TimestampRecognizer,  "ratio 2000-04 only",               []),
    (CityStateRecognizer,  "at 5 Elm St, Port Ashley, MI 96812", ["Port Ashley, MI"]),
    (CityStateRecognizer,  "lives alone in Natick, ca. pt aware", ["Natick, ca"]),  # a note in capitals, restored
    (CityStateRecognizer,  "Neuro: Stable, PA line intact", []),                    # a word before a state
    (HomeTownRecognizer,   "pt lives w/ son in dover.", ["dover"]),                 # a town no list knows
    (HomeTownRecognizer,   "hcp lives in PA, flying in", ["PA"]),                   # a state
    (HomeTownRecognizer,   "lives alone in north carolina", ["north carolina"]),    # a state's name
    (HomeTownRecognizer,   "lives in a nursing home", []),                          # not a place
    (HomeTownRecognizer,   "LIVES ALONE IN FALL RIVER, FLORIDA.", ["FALL RIVER, FLORIDA"]),  # words, then a state
    (HomeTownRecognizer,   "lives alone in new crystal, california", ["new crystal, california"]),
    (VisitorTownRecognizer, "niece from GIBBSFURT in to visit", ["GIBBSFURT"]),     # where a visitor came from
    (VisitorTownRecognizer, "husband from new bedford in to visit", ["new bedford"]),
    (VisitorTownRecognizer, "family from out of town to visit; came from home to visit", []),
    (EmployerRecognizer,   "I used to work for NATO as clerk", ["NATO"]),
    (EmployerRecognizer,   "she worked for Walter P. Carter Center for years", ["Walter P. Carter Center"]),
    (EmployerRecognizer,   "works at the hospital; pt works for The", []),        # no name after the cue
    (EmployerRecognizer,   "currently works for Lockheed Martin. He was; lab work at Dr. XYZ", ["Lockheed Martin"]),
    (FacilityCueRecognizer, "plan to transfer to WJM when bed avail", ["WJM"]),     # an abbreviation
    (FacilityCueRecognizer, "transfer back to holy cross when stable", ["holy cross"]),  # named for a faith
    (FacilityCueRecognizer, "old records requested from hfh (mr #8394)", ["hfh"]),
    (FacilityCueRecognizer, "screening for grennan manor.cont.monitor", ["grennan manor"]),  # a name and a noun
    (FacilityCueRecognizer, "Return to clinic two weeks. returned to work the following day", []),  # "weeks", "day"
    (FacilityCueRecognizer, "A/P: SCREENING FOR MILLER REHAB. AWAITING BED", ["MILLER REHAB"]),  # a name that is a word
    (FacilityCueRecognizer, "returned to his own home. sent to my home", []),                        # no name
    (FacilityCueRecognizer, "f/u appt w/ dr. Cunningham at LDFP on 12/12", ["LDFP"]),
    (FacilityCueRecognizer, "pt was at reynolds house pta.", ["reynolds house"]),
    (FacilityCueRecognizer, "DISPO:  RETURN TO CARR REHAB WHEN CLEARED", ["CARR REHAB"]),  # not "RETURN TO"
    (FacilityCueRecognizer, "transfer to the floor when bed avail; transferred from micu w/ chf", []),
    (FacilityCueRecognizer, "transferred from OSH for mgmt. dispo: home vs rehab. sent to CT.", []),  # vocabulary
    (FacilityCueRecognizer, "transferred from TSICU at JMH. returned to OR for washout", ["JMH"]),  # not the unit
    (FacilityCueRecognizer, "PT ADMITTED 5-5 FROM FHH W/ SAH.",  ["FHH"]),           # shorthand rare in English
    (FacilityCueRecognizer, "OLD RECORDS REQUESTED FROM SHH (MR# 9280).", ["SHH"]),  # an interjection's spelling
    (FacilityCueRecognizer, "PT WAS AT BIRD SKILLED NURSING FACILITY PTA", ["BIRD SKILLED NURSING FACILITY"]),
    (FacilityCueRecognizer, "paperwork sent to soares house - dr x paged", ["soares house"]),  # the dash ends it
    (FacilityCueRecognizer, "will return tomorrow for a dressing. scope returned to midline.", []),  # a word, no cue
    (FacilityCueRecognizer, "may be transferred to telemetry. sent to EEG; transfer to tele, then neuro", []),
    (FacilityCueRecognizer, "transfer to LTAC when bed avail; dispo: snf vs home; sent to PACU", []),  # kinds of care
    (FacilityCueRecognizer, "OLD RECORDS REQUESTED FROM GOOD SAMARITAN MEDICAL CENTER (MRN", ["GOOD SAMARITAN MEDICAL CENTER"]),
    (FacilityCueRecognizer, "will transfer back to mercy hospital of west mary when stable", ["mercy hospital of west mary"]),
    (FacilityCueRecognizer, "screening for LAKE MAX NURSING AND REHAB. kenneth", ["LAKE MAX NURSING AND REHAB"]),
    (FacilityCueRecognizer, "transferred from outside hospital w/ chf. sent to a different nursing home.", []),
    (FacilityCueRecognizer, "transfer to acute rehab center when stable; transferred from another hospital", []),
    (FacilityCueRecognizer, "95 Y.O. FEMALE FROM WALLACE HOUSE W/ NSTEMI. 98 y/o m from nbm w/", ["WALLACE HOUSE", "nbm"]),
    (FacilityCueRecognizer, "ADMITTED JUNE 27TH FROM HAVERHILL MEDICAL CENTER W/", ["HAVERHILL MEDICAL CENTER"]),
    (FacilityCueRecognizer, "82 yo F from home w/ sob. 70 yo male from rehab. 65M from OSH for cath", []),
    (ExtensionRecognizer,  "covering md (x3-2549) aware", ["x3-2549"]),             # a pager extension
    (ExtensionRecognizer,  "PIV x2, patent", []),                                   # a count
    (TownSuffixRecognizer, "discharge home to Gonzaleztown soon", ["Gonzaleztown"]),  # an English town ending
    (TownSuffixRecognizer, "Button pressed, Function intact", []),                    # English words
    (TownSuffixRecognizer, "seen by Dr. O'Malley today",     []),                    # a surname's second part
    (ZipCodeRecognizer,    "Port Ashley, MI 96812",             ["96812"]),
    (ZipCodeRecognizer,    "weight 96812 g",                    []),                 # no state, no label
    (NanpPhoneRecognizer,  "husband (001-388-252-2693)",        ["001-388-252-2693"]),
    (NanpPhoneRecognizer,  "call (617) 555-0142 x12",           ["(617) 555-0142 x12"]),
    (NanpPhoneRecognizer,  "order 1234567890123",               []),                 # long digit run
    (NanpPhoneRecognizer,  "requests call if any changes: 413-5554524.", ["413-5554524"]),  # one dash, a cue
    (NanpPhoneRecognizer,  "can be reached at 517-2736 tonight", ["517-2736"]),     # a local number, a cue
    (NanpPhoneRecognizer,  "dose 250-1000 mg; wbc 517-2736",    []),                 # no cue word before it
    (ShortDateRecognizer,  "discharged 11/18.",                 ["11/18"]),
    (ShortDateRecognizer,  "icu npn 6-16-12: pt remains",       ["6-16-12"]),        # dashed, 2-digit year
    (ShortDateRecognizer,  "pain 5/10, BP 120/80",              []),                 # a score, a pressure
    (ShortDateRecognizer,  "f/u appt at Brockton VNA on 10-16.", ["10-16"]),          # a dash month-day after 'on'
    (ShortDateRecognizer,  "pt on 2-3L NC, on 1-2 units",        []),                 # ranges after 'on'
    (ShortDateRecognizer,  "s/p whipple 4-1, S/P CABG X4 2157.", ["4-1", "2157"]),   # when an operation was done
    (ShortDateRecognizer,  "s/p fall 1-2 days ago",              []),
    (ShortDateRecognizer,  "Motor 5/5, reflexes 2/4, murmur 1/6", []),             # scores without a date word
    (ShortDateRecognizer,  "extensor hallucis longus +2/5.",    []),                 # a signed grade
    (ShortDateRecognizer,  "seen 12/3 and 4/17",                ["12/3", "4/17"]),   # not shaped like a score
    (ShortDateRecognizer,  "thoracentesis on 4/5, site c/d/i",  ["4/5"]),           # shaped like a score, after "on"
    (ShortDateRecognizer,  "ED triage 1/10: Known epilepsy",    ["1/10"]),           # a header's date, before a colon
    (ShortDateRecognizer,  "home in 1-2 days",                  []),                 # a range
    (ShortDateRecognizer,  "admitted 5/1996 from osh",          ["5/1996"]),         # month and year
    (ShortDateRecognizer,  "remains on PSV 10/5 overnight",     []),                 # ventilator settings
    (ShortDateRecognizer,  "OOB to chair w/ 2/2 assist",        []),                 # staff to assist
    (ShortDateRecognizer,  "Reflexes: 2/2 in BUE; pupils 3/2",  []),                 # left/right pairs
    (ShortDateRecognizer,  "measures 5/8 inch in length",       []),                 # a fraction of an inch
    (ShortDateRecognizer,  "to the medial 1/3rd of the tibia",  []),                 # a fraction as an ordinal
    (ShortDateRecognizer,  "for the past 2 1/2 years",          []),                 # a mixed fraction
    (ShortDateRecognizer,  "NPN 0700 11/18: pt stable",         ["11/18"]),          # a time before a date
    (ShortDateRecognizer,  "s/p cabg x4 11/26. cv: lasix",      ["11/26"]),          # a count before a date
    (ShortDateRecognizer,  "through the 10/11 mm cannula",      []),                 # a size in millimetres
    (MonthNameDateRecognizer, "s/p craniotomy february 1995.",  ["february 1995"]),  # month and year
    (MonthNameDateRecognizer, "seen AUGUST 6  HPI",             ["AUGUST 6"]),
    (MonthNameDateRecognizer, "Date of exam: 4 Jul 2011 by",    ["4 Jul 2011"]),
    (MonthNameDateRecognizer, "she may be discharged",          []),                 # "may" the verb
    (HealthPlanIdRecognizer, "member ID VHC070423299. Recent",  ["VHC070423299"]),
    (HealthPlanIdRecognizer, "member states she is",            []),                 # no digits
    (TownRecognizer,       "discharge home to Port Heather in", ["Port Heather"]),
    (GuardedUrlRecognizer, "see www.mercy-clinic.org/portal now", ["www.mercy-clinic.org/portal"]),  # no schema
    (GuardedUrlRecognizer, "at https://example.com/a?b=1 today", ["https://example.com/a?b=1"]),   # schema
    (GuardedUrlRecognizer, "patient portal: kelly.org",          ["kelly.org"]),                    # bare host
    (GuardedUrlRecognizer, "dose 2.5 mg at 10.30 daily",         []),                               # decimals
    (GuardedUrlRecognizer, "PLAN: WEAN AS TOL.NEO AT 1.2",       []),                               # shorthand, not .ne
    (GuardedUrlRecognizer, "awaiting floor bed.md aware",        []),                               # a missing space
    (GuardedUrlRecognizer, "product was 264 +/- 55 ml.kg-1.hr-1. For", []),                         # units
    (GuardedUrlRecognizer, "OOB TO CHAIR, TOL WELL.PT/OT FOLLOWING", []),                            # shorthand, a slash
    (GuardedUrlRecognizer, "cvs: map >60.hr 110-130, inr 3.9.HR 60-80", []),                        # numbers, a full stop
    (GuardedDateRecognizer, "remains on ac 550/14/5/50%.",       []),                               # ventilator settings
    (GuardedDateRecognizer, "abg 7.38/45/76/24 on 2l",           []),                               # a blood gas
    (GuardedDateRecognizer, "seen on 14/5/2021 in clinic",       ["14/5/2021"]),
    (GuardedUrlRecognizer, "mail to clinic.smith.name today",    ["clinic.smith.name"]),            # a host with a name
    (GuardedUrlRecognizer, "see kowalski.de for the forms",      ["kowalski.de"]),                  # a host
    (GuardedUrlRecognizer, "at http://www.chen-kidd.biz/tags.html. Kind", ["http://www.chen-kidd.biz/tags.html"]),
    (LabelledNameRecognizer, "social: wife elaine called",      ["elaine"]),         # lower case
    (LabelledNameRecognizer, "wife called, updated",            []),                 # "called" is no name
    (LabelledNameRecognizer, "Name: Marion McLean\nUnit",       ["Marion McLean"]),  # inner capital
    (LabelledNameRecognizer, "husband dawid, can be reached",   ["dawid"]),          # no "Doe, John" in lower case
    (LabelledNameRecognizer, "Patient: Doe, John was seen",     ["Doe, John"]),
    (LabelledNameRecognizer, "Patient: DOE, JOHN was seen",     ["DOE, JOHN"]),
    (UpperCaseNameRecognizer, "note\nKELLI VALDEZ, 70-year-old", ["KELLI VALDEZ"]),
    (UpperCaseNameRecognizer, "HIGH-RESOLUTION CT CHEST - 10/4", []),                # not a first name
    (UpperCaseNameRecognizer, "REASON FOR CONSULTATION: chest pain", []),           # a header: "for" is no name
    (UpperCaseNameRecognizer, "GENERAL APPEARANCE: well", []),
    (UpperCaseNameRecognizer, "signed JOHN KOWALCZYK today", ["JOHN KOWALCZYK"]),  # no vocabulary: a surname
    (LabelledNameRecognizer, "reversed. Thanks,\nTyler\n",    ["Tyler"]),          # letter sign-off
    (LabelledNameRecognizer, "Agent Timothy: Could you",        ["Timothy"]),        # chat speaker
    (SignOffRecognizer,    "Case closed. - James\n",            ["James"]),
    (SignOffRecognizer,    "per request. \n- R. Cranly\n",      ["R. Cranly"]),
    (SignOffRecognizer,    "levels 3 - 4 - normal\n",           []),                 # not a name
    (SignOffRecognizer,    "NEURO - MAE\nwhen stable. - LLOYD\n", ["LLOYD"]),       # in capitals where the note ends
    (SignOffRecognizer,    "to rehab when cleared. - Mikolaj",  ["Mikolaj"]),        # Philter's first names
    (SignatureRecognizer,  "on 2/5.\nPUPEK RN",                 ["PUPEK"]),          # a surname no gazetteer knows
    (SignatureRecognizer,  "?CT in am. MALOTA RN\n",           ["MALOTA"]),
    (SignatureRecognizer,  "notes\n- j. malota, rn",            ["j. malota"]),
    (SignatureRecognizer,  "plan\nCONT RN",                     []),                 # shorthand
    (SignatureRecognizer,  "pain 3/10. will notify md.",        []),                 # vocabulary
    (SignatureRecognizer,  "pt seen by Malota RN today",        []),                 # not closing a line
    (LabelledNameRecognizer, "dispo. rn: n. prokurat",          ["n. prokurat"]),    # initial and no vocabulary
    (LabelledNameRecognizer, "rn: j. stable",                   []),
    (LabelledNameRecognizer, "wife june mackesey wants a call", ["june mackesey"]),  # a word, then no vocabulary
    (LabelledNameRecognizer, "visited w/ nephew honore garner.", ["honore garner"]),  # philter's first names
    (LabelledNameRecognizer, "son will call back; wife may visit", []),             # words after words
    (LabelledNameRecognizer, "grandson will toomey wants a call", ["will toomey"]),  # a modal before a surname is a name
    (LabelledNameRecognizer, "spoke w/ wife faith randall by phone", ["faith randall"]),  # a word, then an uncommon surname
    (LabelledNameRecognizer, "granddaughter Edith brady asking", ["Edith brady"]),  # a capitals line read back
    (LabelledNameRecognizer, "husband will snow the family", []),                   # a common word after the modal
    (LabelledNameRecognizer, "URINE: 400 cc clear at the end", []),                 # a common word, a surname only
    (LabelledNameRecognizer, "the physician must also decide", []),
    (LabelledNameRecognizer, "wife faith called back", ["faith"]),                  # a first name too
    (LabelledNameRecognizer, "Doctor's Address\nDear Doctor: This letter", []),       # a role, no name
    (LabelledNameRecognizer, "nephew Jonathan will call back", ["Jonathan"]),       # a modal after the name
    (KinNamedRecognizer,   "NICOLO (NEPHEW) REQUESTS CALL",     ["NICOLO"]),         # philter's first names
    (CaredForNameRecognizer, "R > L. MILOSZ PLEASANT AND COOPERATIVE", ["MILOSZ"]),
    (TitledNameRecognizer, "social - Mr. SANCHEZ tearful",      ["SANCHEZ"]),        # a surname in capitals
    (TitledNameRecognizer, "altered MS. Neuro: alert; MS. PMH: cad; MS. JONES called", ["JONES"]),  # mental status
    (TitledNameRecognizer, "underlying MR. Speech fluent; seen by MR. JONES", ["JONES"]),  # mitral regurgitation
    (TitledNameRecognizer, "HV interval 54 ms. AV nodal period; 40 ms. Sinus node", []),  # milliseconds
    (TitledNameRecognizer, "PT SEEN BY MR. BROWN. Mr. Speech called", ["BROWN", "Speech"]),  # titles
    (TitledNameRecognizer, "F/U W/ DR.REARDON RE: ANTICOAG",    ["REARDON"]),        # no space after the dot
    (TitledNameRecognizer, "f/u w/ dr. emily patrick at mvh; dr. kaufman at noon", ["emily patrick", "kaufman"]),
    (TitledNameRecognizer, "dr. lourenco powell paged; dr. patel aware", ["lourenco powell", "patel"]),
    (LabelledNameRecognizer, "nursing admission note joshua campbell, age: 76", ["joshua campbell"]),  # a note's header
    (LabelledNameRecognizer, "NSG NOTE PT FRANCOIS BENTON, AGE: 75", ["FRANCOIS BENTON"]),  # the label after the label
    (SignatureRecognizer,  "requested. ANASTASIA A, RN",        ["ANASTASIA A"]),    # a closing initial
    (SignatureRecognizer,  "support pt/family. chloe a, rn",    ["chloe a"]),
    (CaredForNameRecognizer, "status.Alice aware of plan.",     ["Alice"]),          # reported on
    (CaredForNameRecognizer, "pt asking for ann, ann called.",  ["ann", "ann"]),     # addressed, then reported on
    (CaredForNameRecognizer, "spoke w/ kayla by phone",         ["kayla"]),
    (CaredForNameRecognizer, "Family aware of plan. Wife tearful. Pt pleasant. Will call back.", []),
    (CaredForNameRecognizer, "pt asking for water. Spoke with family. Heparin per protocol.", []),
    (WordNameRecognizer,   "PT ASKING FOR WILL, NIECE CALLED.", ["WILL"]),      # a word that is a name
    (WordNameRecognizer,   "family meeting w/ son will, pt made dnr", ["will"]),
    (WordNameRecognizer,   "wife will call back. md called will f/u. support given to wife. spoke w/ SISTER.", []),
    (WordNameRecognizer,   "SOCIAL: HCP WILL STATES PT WAS WELL. niece May called x2", ["WILL", "May"]),
    (WordNameRecognizer,   "son will call tonight; daughter may visit; wife will be updated", []),  # verbs follow
    (WordNameRecognizer,   "questions answered. MAY CALLED @ NOON. Hope aware of plan.", ["MAY", "Hope"]),
    (WordNameRecognizer,   "family in. spoke w/ faith by phone, questions answered", ["faith"]),
    (WordNameRecognizer,   "social - nephew will in to visit, updated by dr. h", ["will"]),  # a relation, a visit
    (WordNameRecognizer,   "Jacob lives on 90 Whitchurch Road", ["Jacob"]),      # where the person lives
    (WordNameRecognizer,   "Doctor aware of plan. Case aware. spoke w/ son by phone. pt may call", []),  # roles
    (WordNameRecognizer,   "No sick contacts as the mother said. daughter rose.", ["rose"]),  # a verb's form; a noun
    (AccountNumberRecognizer, "account no. 12345678 closed",    ["12345678"]),
    (AccountNumberRecognizer, "opened 12345678 tickets",        []),                 # no account word
    (SwiftBicRecognizer,   "BIC DEUTDEFF500 please",            ["DEUTDEFF500"]),
    (SwiftBicRecognizer,   "the word BACKGROUND",               []),                 # upper-case word
]
# fmt: on


@pytest.mark.parametrize("recognizer_class, text, expected", CASES)
def test_when_text_is_scanned_then_only_identifiers_are_found(recognizer_class, text: str, expected: list[str]) -> None:
    recognizer = recognizer_class()
    results = recognizer.analyze(text, recognizer.supported_entities)
    found = [text[r.start : r.end] for r in results if r.score >= SCORE_THRESHOLD]
    assert found == expected
