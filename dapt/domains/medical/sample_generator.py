"""Generate the bundled medical sample: clinical notes with planted PHI and exact gold spans.

``python -m dapt.domains.medical.sample_generator`` rewrites ``sample/`` (byte-identical each run).
Task labels are specialties, learnable from clinical vocabulary rather than from one keyword; the
task and eval notes use disjoint halves of each specialty's terms (the corpus uses all of them).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dapt.domains.sample_builder import (
    DATE_STYLES,
    DocumentBuilder,
    Draw,
    Part,
    Pii,
    PlantedDoc,
    Slot,
    Templates,
    balanced,
    compose,
    name_variant,
    write_sample,
)

SAMPLE_FOLDER = Path(__file__).parent / "sample"
SEEDS = {"corpus": 1101, "task": 1102, "eval": 1103}
CORPUS_PER_KIND, TASK_PER_LABEL, EVAL_PER_LABEL = 75, 80, 24
AGE_OVER_89_SHARE = 0.07
DOB_STYLES = ("03/14/2021", "3/14/2021", "March 14, 2021", "2021-03-14")
SHORT_DATE_STYLES = ("3/14", "MARCH 14", "3-14-21", "3/14/21")

SPECIALTIES: dict[str, dict[str, tuple[str, ...]]] = {
    "cardiology": {
        "dx": (
            "atrial fibrillation with rapid ventricular response", "acute decompensated congestive heart failure",
            "non-ST-elevation myocardial infarction", "unstable angina", "severe aortic stenosis",
            "hypertrophic cardiomyopathy", "moderate mitral regurgitation", "supraventricular tachycardia",
            "acute pericarditis", "coronary artery disease", "symptomatic sinus bradycardia",
            "nonsustained ventricular tachycardia", "ischemic cardiomyopathy",
        ),
        "drug": (
            "metoprolol tartrate 25 mg PO BID", "furosemide 40 mg IV BID", "heparin drip per ACS nomogram",
            "amiodarone 150 mg IV bolus", "atorvastatin 80 mg nightly", "lisinopril 10 mg daily",
            "carvedilol 6.25 mg BID", "apixaban 5 mg BID", "warfarin (Coumadin) 5 mg daily",
            "clopidogrel 75 mg daily", "digoxin 0.125 mg daily", "diltiazem 10 mg IV push",
            "nitroglycerin 0.4 mg sublingual", "spironolactone 25 mg daily", "furosemide (Lasix) 20 mg PO",
        ),
        "proc": (
            "transthoracic echocardiogram", "cardiac catheterization", "percutaneous coronary intervention",
            "transesophageal echocardiogram with cardioversion", "Holter monitor placement",
            "exercise stress test", "coronary angiography", "pacemaker interrogation",
            "transcatheter aortic valve replacement evaluation", "electrophysiology study",
        ),
        "sym": (
            "substernal chest pressure", "palpitations", "dyspnea on exertion", "orthopnea",
            "paroxysmal nocturnal dyspnea", "bilateral lower extremity edema", "exertional chest tightness",
            "presyncope", "syncope while standing",
        ),
        "finding": (
            "troponin elevated to 2.4", "ejection fraction estimated at 30-35%", "jugular venous distension",
            "a harsh systolic murmur at the right upper sternal border", "irregularly irregular rhythm",
            "BNP of 1840", "ST depressions in the lateral leads on electrocardiogram", "an S3 gallop",
        ),
        "study": ("Transthoracic echocardiogram", "Chest radiograph", "Cardiac MRI", "Coronary CT angiography"),
        "imaging": (
            "cardiomegaly with pulmonary vascular congestion", "small bilateral pleural effusions",
            "left ventricular hypertrophy with diastolic dysfunction", "a calcified aortic valve",
            "a moderate pericardial effusion without tamponade physiology",
        ),
    },
    "pulmonology": {
        "dx": (
            "chronic obstructive pulmonary disease exacerbation", "community-acquired pneumonia",
            "acute pulmonary embolism", "asthma exacerbation", "loculated pleural effusion",
            "interstitial lung disease", "obstructive sleep apnea", "acute respiratory distress syndrome",
            "spontaneous pneumothorax", "bronchiectasis", "idiopathic pulmonary fibrosis",
            "acute hypoxemic respiratory failure",
        ),
        "drug": (
            "albuterol nebulizer q4h PRN", "ipratropium-albuterol nebulizer q6h", "tiotropium inhaler daily",
            "prednisone 40 mg daily", "methylprednisolone 60 mg IV q8h", "azithromycin 500 mg daily",
            "ceftriaxone 1 g IV daily", "levofloxacin 750 mg daily", "fluticasone-salmeterol inhaler BID",
            "budesonide-formoterol inhaler", "montelukast 10 mg nightly", "piperacillin-tazobactam 4.5 g IV",
            "enoxaparin 1 mg/kg subcutaneous BID",
        ),
        "proc": (
            "flexible bronchoscopy with bronchoalveolar lavage", "ultrasound-guided thoracentesis",
            "pulmonary function tests", "CT angiography of the chest", "arterial blood gas",
            "overnight polysomnography", "endotracheal intubation", "bilevel positive airway pressure trial",
            "chest tube placement", "six-minute walk test",
        ),
        "sym": (
            "productive cough", "wheezing", "hemoptysis", "pleuritic chest pain", "worsening dyspnea",
            "increased sputum production", "nocturnal cough", "daytime somnolence and snoring",
        ),
        "finding": (
            "diffuse expiratory wheezes", "crackles at the right base", "decreased breath sounds on the left",
            "oxygen saturation of 86% on room air", "pH 7.29 with pCO2 of 62", "use of accessory muscles",
            "a D-dimer of 3.1", "egophony over the right lower lobe",
        ),
        "study": (
            "Chest radiograph", "CT chest with contrast", "CT angiography of the chest", "High-resolution CT chest",
        ),
        "imaging": (
            "right lower lobe consolidation with air bronchograms", "bilateral ground-glass opacities",
            "a segmental filling defect in the right lower lobe pulmonary artery",
            "a moderate left pleural effusion", "hyperinflation with flattened hemidiaphragms",
            "subpleural reticulation with honeycombing",
        ),
    },
    "gastroenterology": {
        "dx": (
            "acute calculous cholecystitis", "choledocholithiasis", "upper gastrointestinal bleed",
            "acute gallstone pancreatitis", "ulcerative colitis flare", "Crohn's disease",
            "decompensated cirrhosis with ascites", "hepatic encephalopathy", "gastroesophageal reflux disease",
            "sigmoid diverticulitis", "small bowel obstruction", "bleeding duodenal ulcer",
            "Clostridioides difficile colitis",
        ),
        "drug": (
            "pantoprazole 40 mg IV BID", "omeprazole 20 mg daily", "ondansetron (Zofran) 4 mg IV q6h PRN",
            "lactulose 30 ml PO TID", "rifaximin 550 mg BID", "mesalamine 2.4 g daily", "octreotide drip",
            "metronidazole (Flagyl) 500 mg IV q8h", "infliximab infusion", "ursodiol 300 mg BID",
            "sucralfate 1 g QID", "polyethylene glycol 17 g daily", "oral vancomycin 125 mg QID",
        ),
        "proc": (
            "esophagogastroduodenoscopy", "colonoscopy", "laparoscopic cholecystectomy",
            "endoscopic retrograde cholangiopancreatography", "diagnostic paracentesis",
            "right upper quadrant ultrasound", "percutaneous liver biopsy", "esophageal variceal banding",
            "flexible sigmoidoscopy", "nasogastric tube decompression",
        ),
        "sym": (
            "epigastric pain radiating to the back", "melena", "hematemesis", "nausea and vomiting",
            "right upper quadrant pain after fatty meals", "abdominal distension", "bloody diarrhea",
            "bright red blood per rectum", "early satiety",
        ),
        "finding": (
            "a positive Murphy's sign", "scleral icterus", "lipase of 2,140", "total bilirubin of 4.8",
            "shifting dullness", "hemoglobin drop from 11.2 to 7.9", "guarding in the left lower quadrant",
            "asterixis", "hyperactive bowel sounds",
        ),
        "study": ("Abdominal ultrasound", "CT abdomen and pelvis with contrast", "MRCP", "Abdominal radiograph"),
        "imaging": (
            "a distended gallbladder with wall thickening and pericholecystic fluid",
            "a dilated common bile duct measuring 11 mm", "peripancreatic fat stranding",
            "a nodular liver contour with moderate ascites", "dilated small bowel loops with a transition point",
            "sigmoid wall thickening with adjacent fat stranding",
        ),
    },
    "neurology": {
        "dx": (
            "acute ischemic stroke", "transient ischemic attack", "focal epilepsy", "status epilepticus",
            "migraine with aura", "multiple sclerosis relapse", "Parkinson's disease",
            "aneurysmal subarachnoid hemorrhage", "diabetic peripheral neuropathy", "myasthenia gravis",
            "Guillain-Barré syndrome", "intracerebral hemorrhage", "Bell's palsy",
        ),
        "drug": (
            "levetiracetam 500 mg BID", "alteplase per stroke protocol", "gabapentin 300 mg TID",
            "sumatriptan 50 mg PRN", "carbidopa-levodopa 25/100 TID", "phenytoin loading dose",
            "lacosamide 100 mg BID", "topiramate 25 mg nightly", "pyridostigmine 60 mg q6h",
            "valproate 500 mg BID", "lorazepam (Ativan) 2 mg IV", "aspirin 325 mg once",
        ),
        "proc": (
            "MRI of the brain with diffusion-weighted imaging", "continuous electroencephalogram",
            "lumbar puncture", "CT angiogram of the head and neck", "carotid duplex ultrasound",
            "nerve conduction studies", "electromyography", "mechanical thrombectomy",
            "intravenous immunoglobulin", "plasmapheresis",
        ),
        "sym": (
            "sudden left-sided weakness", "expressive aphasia", "right facial droop", "slurred speech",
            "generalized tonic-clonic activity", "postictal confusion", "throbbing headache with photophobia",
            "numbness and paresthesias of both feet", "double vision", "unsteady gait",
        ),
        "finding": (
            "NIH stroke scale of 9", "left pronator drift", "a resting pill-rolling tremor",
            "fatigable ptosis", "areflexia in the lower extremities", "an upgoing Babinski sign",
            "Glasgow Coma Scale of 11", "nystagmus on lateral gaze",
        ),
        "study": ("CT head without contrast", "MRI brain", "CT angiogram of the head and neck", "CT perfusion"),
        "imaging": (
            "hypodensity in the left middle cerebral artery territory", "no acute intracranial hemorrhage",
            "periventricular white matter lesions", "a hyperdense right middle cerebral artery sign",
            "diffuse subarachnoid blood in the basal cisterns", "restricted diffusion in the right thalamus",
        ),
    },
    "orthopedics": {
        "dx": (
            "displaced distal radius fracture", "intertrochanteric hip fracture", "osteoarthritis of the knee",
            "rotator cuff tear", "anterior cruciate ligament tear", "lumbar radiculopathy",
            "lumbar spinal stenosis", "bimalleolar ankle fracture", "vertebral osteomyelitis",
            "prosthetic joint infection", "carpal tunnel syndrome", "compartment syndrome of the leg",
        ),
        "drug": (
            "oxycodone 5 mg q4h PRN", "acetaminophen (Tylenol) 1 g q8h", "enoxaparin 40 mg daily",
            "cefazolin 2 g IV preoperatively", "ketorolac 15 mg IV q6h", "meloxicam 15 mg daily",
            "ibuprofen 600 mg TID", "tramadol 50 mg q6h PRN", "cyclobenzaprine 10 mg TID",
            "vancomycin 1 g IV q12h", "hydromorphone (Dilaudid) 0.5 mg IV PRN",
        ),
        "proc": (
            "open reduction and internal fixation", "total knee arthroplasty", "total hip arthroplasty",
            "arthroscopic partial meniscectomy", "closed reduction and splinting", "lumbar laminectomy",
            "posterior spinal fusion", "intramedullary nailing", "arthroscopic rotator cuff repair",
            "fasciotomy", "corticosteroid joint injection",
        ),
        "sym": (
            "right hip pain after a mechanical fall", "wrist pain and deformity after a fall",
            "knee swelling and locking", "shoulder pain with overhead activity", "low back pain radiating down the leg",
            "inability to bear weight", "numbness of the thumb and index finger",
            "ankle swelling after a twisting injury",
        ),
        "finding": (
            "a shortened and externally rotated leg", "a large knee effusion", "limited range of motion",
            "point tenderness over the lateral malleolus", "a positive Lachman test", "a positive straight leg raise",
            "crepitus with passive motion", "an antalgic gait", "a positive Phalen test",
        ),
        "study": ("Plain radiographs", "MRI of the knee", "CT of the wrist", "MRI lumbar spine"),
        "imaging": (
            "a comminuted intra-articular fracture of the distal radius",
            "moderate tricompartmental joint space narrowing with osteophytes",
            "a full-thickness tear of the supraspinatus tendon",
            "an intertrochanteric fracture with varus angulation", "disc protrusion at L4-L5 with foraminal narrowing",
            "periprosthetic lucency around the femoral component",
        ),
    },
}
VOCAB_SLOTS = ("dx", "drug", "proc", "sym", "finding", "study", "imaging")
GENERAL_DX = (
    "hypertension", "type 2 diabetes mellitus", "hyperlipidemia", "chronic kidney disease stage 3",
    "hypothyroidism", "iron deficiency anemia", "obesity", "major depressive disorder", "gout",
    "generalized anxiety disorder", "osteoporosis", "tobacco use disorder",
)  # fmt: skip
GENERAL_DRUGS = (
    "metformin 500 mg PO BID", "insulin glargine 20 units subcutaneous nightly", "levothyroxine 75 mcg daily",
    "amlodipine 5 mg daily", "sertraline 50 mg daily", "allopurinol 100 mg daily", "tamsulosin 0.4 mg nightly",
    "pantoprazole 40 mg daily", "acetaminophen 650 mg q6h PRN", "heparin 5000 units subcutaneous q8h",
    "docusate 100 mg BID", "potassium chloride 20 mEq PO",
)  # fmt: skip
NEURO_STATUS = ("a&ox3, mae, follows commands, perrla", "sedated on propofol, opens eyes to voice, rass -1")
RESP_STATUS = (
    "ls clear bilat", "ls coarse w/ crackles at bases, sx for thick yellow secretions", "ls diminished at bases",
)  # fmt: skip
ANTIBIOTICS = ("vancomycin", "cefepime", "piperacillin-tazobactam", "ceftriaxone", "meropenem")
OXYGEN = ("room air", "2L nasal cannula", "4L NC", "50% face mask", "BiPAP")
RELATIONS = {  # relation -> sex of the relative's first name
    "wife": "F", "husband": "M", "daughter": "F", "son": "M",
    "sister": "F", "brother": "M", "niece": "F", "partner": "",
}  # fmt: skip
PAYERS = ("Medicare", "Medicaid", "Blue Cross Blue Shield", "Aetna", "UnitedHealthcare", "Cigna", "Humana")
HOSPITAL_FORMS = (
    "{last} Memorial Hospital", "St. {first}'s Medical Center", "{city} General Hospital",
    "{city} Regional Medical Center", "{last}-{last2} Medical Center", "Mount {last} Hospital",
    "{last} Children's Hospital", "University Hospital of {city}", "{city} Community Hospital",
    "Saint {first} Hospital", "{last} Heart and Vascular Institute",
)  # fmt: skip
MRN_LABELS = ("MRN: ", "MRN ", "MR# ", "Medical record number ", "Unit No: ")
MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"

CLINICAL_NOTE_BODY = (
    "{age}-year-old {sex} with a history of {gen_dx} and {gen_dx2} who presented with {sym} and {sym2}. ",
    "Exam notable for {finding}. ",
    "{study} demonstrated {imaging}. ",
    "Labs: WBC {wbc}, creatinine {cr}, potassium {k}, hemoglobin {hgb}. ",
    "Vitals: T {temp} HR {hr} BP {bp} RR {rr} SpO2 {spo2}% on {o2}. ",
    "Started {drug} and {drug2}; home {gen_drug} continued. ",
    "{consultant} recommended {proc}, which was performed on {date} without complication. ",
    "Concern for {dx}; {other_dx} considered less likely. ",
    "Collateral from {his} {relation} {relative_full}, reachable at {phone}. ",
    "{He} lives at {address} and was independent at baseline. ",
    "Insurance: {payer}, member ID {plan_id}. ",
)  # fmt: skip

KIND_TEMPLATES: dict[str, Templates] = {
    "discharge_summary": Templates(
        head=(
            "DISCHARGE SUMMARY\n{hospital}\nPatient: {patient}   {mrn}\n"
            "Admission Date: {date}   Discharge Date: {date}\nAttending: {attending}\n\n",
            "Discharge Summary - {patient} ({mrn})\nAdmitted {date} to {hospital}; discharged {date}.\n"
            "Attending physician: {attending}.\n\n",
            "{hospital} DISCHARGE SUMMARY\nName: {patient}\n{mrn}\nDate of admission: {date}\n\n",
        ),
        body=CLINICAL_NOTE_BODY + (
            "HOSPITAL COURSE: admitted with {dx}; treated with {drug} with gradual improvement. ",
            "DISCHARGE MEDICATIONS: {drug}; {drug2}; {gen_drug}; {drug3}. ",
            "DISCHARGE DIAGNOSES: 1. {dx}. 2. {dx2}. 3. {gen_dx}. ",
            "Family meeting held with {relation} {relative_full} on {date}. ",
            "CONDITION AT DISCHARGE: stable, ambulating, tolerating a regular diet. ",
        ),
        tail=(
            "\nFOLLOW-UP: {pcp} in 1-2 weeks; call {clinic_phone} with questions.\n{signature}\n",
            "\nFollow up with {consultant} on {date}. Dictated by {signature}.\n",
        ),
    ),
    "progress_note": Templates(
        head=(
            "PROGRESS NOTE - {date}\n{hospital}, hospital day {days}\nPatient: {patient} ({mrn})\n\n",
            "Medicine progress note {date}\n{patient}, {age}-year-old {sex}, {mrn}\n\n",
        ),
        body=CLINICAL_NOTE_BODY + (
            "S: reports {sym} overnight; denies fevers or chills. ",
            "A/P: hospital day {days} with {dx}. Continue {drug}; start {drug2}. ",
            "Plan for {proc} per {consultant}; consent discussed with {relation} {relative_full}. ",
            "Comorbid {gen_dx}: continue home {gen_drug}. ",
            "Dispo: likely discharge home to {town} in 24-48 hours. ",
        ),
        tail=("\n{attending}\n", "\nSeen and examined with {attending}; agree with above.\n"),
    ),
    "icu_nursing_note": Templates(
        head=(
            "npn {short_date}\npt is a {age} y/o {sex_short} admitted w/ {dx_lc}. ",
            "nursing progress note, micu {short_date}\n{age} yo {sex_short} s/p {proc_lc}, mrn {mrn_digits}. ",
            "icu npn {short_date}: pt remains intubated/sedated, {dx_lc}. ",
        ),
        body=(
            "neuro: {neuro}. ",
            "cv: hr {hr} nsr/st, bp {bp}, {drug_lc} as ordered. ",
            "resp: {resp}, on {o2_lc}, sats {spo2}%. ",
            "gi: abd soft nt/nd, +bs, tol clears. ",
            "gu: foley draining clear yellow urine, uo adequate. ",
            "id: tmax {temp}, wbc {wbc}, on {abx}. ",
            "skin: intact, turned q2h, heels offloaded. ",
            "social: {relation} {relative_lc} called, updated on plan of care. ",
            "{relation} {relative_lc} in to visit, questions answered. ",
            "{doc_lc} aware of {sym_lc}. ",
            "labs: k {k}, repleted per protocol; hct stable. ",
            "s/p {proc_lc} on {short_date}, site c/d/i. ",
        ),
        tail=(
            "\nplan: cont to monitor, {proc_lc} planned {short_date}.\n{nurse_lc}\n",
            "\nwill cont to monitor, notify md w/ changes. {nurse_lc}\n",
        ),
    ),
    "radiology_report": Templates(
        head=(
            "RADIOLOGY REPORT\n{hospital}\nPatient: {patient}   {mrn}\nExam: {study}\nDate of exam: {date}\n"
            "Ordering physician: {attending}\n\n",
            "{study_upper} - {date}\n{patient}, {mrn}\nReferring: {attending}\n\n",
        ),
        body=(
            "CLINICAL HISTORY: {age}-year-old {sex} with {sym}, evaluate for {dx}. ",
            "COMPARISON: prior study dated {date}. ",
            "TECHNIQUE: multiplanar images were obtained per protocol. ",
            "FINDINGS: {imaging}. ",
            "There is also {imaging2}. ",
            "No acute osseous abnormality. ",
            "IMPRESSION: findings consistent with {dx}; {other_dx} is not excluded. ",
            "Findings were discussed with {attending} by telephone ({clinic_phone}) on {date}. ",
        ),
        tail=("\nElectronically signed by {radiologist} on {date}.\n", "\nDictated by: {radiologist}\n"),
    ),
    "referral_letter": Templates(
        head=(
            "{hospital}\n{address}\n\n{date}\n\nDear {consultant},\n\nRe: {patient}, {mrn}\n\n",
            "Dear Dr. {consultant_last},\n\nI am writing to refer {title} {pt_last} (DOB {dob}) for evaluation. ",
            "To: {consultant}\nFrom: {pcp}\nRe: {patient}, DOB {dob}\n\n",
            "Dear Dr. {consultant_last},\n\nRe: {patient}, seen in clinic {date}\n\n",
        ),
        body=(
            "Thank you for seeing this pleasant {age}-year-old {sex} with {sym} and {sym2}. ",
            "{He} has a background of {gen_dx}, {gen_dx2} and {dx2}. ",
            "Recent {study_lc} showed {finding}, and I am concerned about {dx}. ",
            "Current medications include {drug}, {gen_drug} and {drug2}. ",
            "I would be grateful for your opinion regarding {proc}. ",
            "{He} lives with {his} {relation} in {town} and can be contacted on {phone} or at {email}. ",
            "{His} insurance is {payer} (member ID {plan_id}). ",
            "Recent results are on the patient portal at {url}. ",
        ),
        tail=(
            "\n\nYours sincerely,\n\n{signature}\n{hospital}\nTel {clinic_phone}\n",
            "\n\nKind regards,\n{signature}\n",
        ),
    ),
    "ed_note": Templates(
        head=(
            "EMERGENCY DEPARTMENT NOTE\n{hospital}\nPatient: {patient}   {mrn}   Arrival: {date}\n\n",
            "ED Provider Note - {patient}, {age} {sex_short}, {mrn}, seen {date}\n\n",
            "EMERGENCY DEPARTMENT NOTE\n{hospital}\n{patient}, DOB {dob}, {mrn}\n\n",
        ),
        body=(
            "CHIEF COMPLAINT: {sym}. ",
            "HPI: {age}-year-old {sex} brought in by EMS from {town} with {sym} and {sym2}. ",
            "PMH: {gen_dx}, {gen_dx2}, {dx2}. Meds: {gen_drug}, {drug3}. ",
            "Triage vitals: T {temp}, HR {hr}, BP {bp}, RR {rr}, SpO2 {spo2}% on {o2}. ",
            "Exam notable for {finding}. ",
            "ED course: received {drug} and {drug2}; {study_lc} showed {imaging}. ",
            "Collateral from {relation} {relative_full} ({phone}). ",
            "Lives at {address}. ",
            "Discussed with {consultant}, who recommends {proc}. ",
            "Last seen well on {date} per family. ",
        ),
        tail=(
            "\nDisposition: admitted to {hospital2} for {dx}.\n{attending}\n",
            "\nDisposition: admit to medicine. ED attending: {attending}\n",
            "\nDisposition: discharged home with {drug} and return precautions.\n{attending}\n",
        ),
    ),
}
TASK_TEMPLATES = Templates(
    head=(
        "{date} {patient} ({mrn}): ", "Consult request from {attending}: ", "",
        "Referral for {title} {pt_last}, {age}-year-old {sex}, DOB {dob}. ", "pt {patient_lc}, {age} y/o {sex_short}: ",
        "Clinic note {date}, {hospital}. ", "ED triage {short_date}: ", "{age}-year-old {sex} with {gen_dx}. ",
    ),
    body=(
        "presents with {sym} and {sym2}. ", "Known {dx2}, now with {sym}. ", "{He} also reports {sym3}. ",
        "Exam: {finding}. ", "{study} on {date} showed {imaging}. ", "Repeat {study_lc} showed {imaging2}. ",
        "Concern for {dx} vs {other_dx}. ", "Assessment: {dx}. ", "Takes {drug3} and {gen_drug} at home. ",
        "Started {drug}. ", "Plan: {proc2}. ", "Recommend {proc} and {drug2}. ",
    ),
    tail=(
        "Seen by {attending}.", "Follow-up with {consultant} at {hospital}.", "", "Contact {phone}.",
        "{relation} {relative_full} at bedside.", "History of {gen_dx2}.",
    ),
)
KINDS = tuple(KIND_TEMPLATES)
LABELS = tuple(SPECIALTIES)
DOB_SHARE = {"referral_letter": 0.4, "ed_note": 0.3, "task": 0.15}
PARTS = ("task", "eval")  # which half of each specialty term list the labelled notes draw from


def hospital_name(draw: Draw) -> str:
    """A facility name built from faker words, in one of several naming patterns."""
    fake = draw.fake
    first, last = draw.name("M")
    return draw.pick(HOSPITAL_FORMS).format(first=first, last=last, last2=fake.last_name(), city=fake.city())


def health_plan_id(draw: Draw, payer: str) -> str:
    """A Medicare beneficiary identifier (MBI) for Medicare, else a commercial member id."""
    if payer != "Medicare":
        return draw.pick((f"{draw.letters(3)}{draw.digits(9)}", f"{draw.letters(1)}{draw.digits(8)}-{draw.digits(2)}"))
    alnum = MBI_LETTERS + "0123456789"
    chars = [draw.pick("123456789"), draw.pick(MBI_LETTERS), draw.pick(alnum), draw.digits(1), draw.pick(MBI_LETTERS)]
    chars += [draw.pick(alnum), draw.digits(1), draw.pick(MBI_LETTERS), draw.pick(MBI_LETTERS), draw.digits(2)]
    mbi = "".join(chars)
    return f"{mbi[:4]}-{mbi[4:7]}-{mbi[7:]}" if draw.chance(0.3) else mbi


def address(draw: Draw) -> list[Part]:
    fake = draw.fake
    state = fake.state_abbr(include_territories=False, include_freely_associated_states=False)
    return [
        Pii(fake.street_address(), "STREET_ADDRESS"), ", ", Pii(fake.city(), "LOCATION"), ", ",
        Pii(state, "LOCATION"), " ", Pii(fake.zipcode(), "ZIP_CODE"),
    ]  # fmt: skip


def clinician(draw: Draw, first: str, last: str) -> list[Part]:
    """One mention of a physician: ``Dr. <name>`` or ``<name>, MD`` in a random name style."""
    style = draw.pick(("full", "full", "last", "initial", "upper"))
    name = Pii(name_variant(first, last, style), "PERSON")
    return ["Dr. ", name] if style in ("last", "initial") or draw.chance(0.5) else [name, ", MD"]


def age(draw: Draw) -> Part:
    """An age; over 89 it is an identifier (HIPAA Safe Harbor) and planted as AGE_OVER_89."""
    if draw.chance(AGE_OVER_89_SHARE):
        return Pii(str(draw.rng.randint(90, 102)), "AGE_OVER_89")
    return str(draw.rng.randint(19, 89))


def terms(specialty: str, key: str, part: str) -> tuple[str, ...]:
    """A specialty's terms of one kind: all of them (``corpus``), or the even-numbered ones for the
    task and the odd-numbered ones for the eval split, so the two share no specialty term and the
    eval is won by knowing what terms mean (the corpus, which has all of them), not by keywords."""
    every = SPECIALTIES[specialty][key]
    return every if part == "corpus" else every[PARTS.index(part) :: 2]


def vocab_slots(draw: Draw, specialty: str, part: str) -> dict[str, Slot]:
    """Clinical content: picks from the specialty's lists (for ``part``), plus general comorbidities."""
    slots: dict[str, Slot] = {}
    for key in VOCAB_SLOTS:
        pool = terms(specialty, key, part)
        for index, term in enumerate(draw.rng.sample(pool * 2, 3) if len(pool) < 3 else draw.rng.sample(pool, 3), start=1):
            slots[key if index == 1 else f"{key}{index}"] = term
    slots["gen_dx"], slots["gen_dx2"] = draw.rng.sample(GENERAL_DX, 2)
    slots["gen_drug"] = draw.pick(GENERAL_DRUGS)
    other = draw.pick([name for name in SPECIALTIES if name != specialty])
    slots["other_dx"] = draw.pick(terms(other, "dx", part))
    slots["study_upper"] = str(slots["study"]).upper()
    for key in ("dx", "drug", "proc", "sym"):
        slots[f"{key}_lc"] = str(slots[key]).lower()
    study = str(slots["study"])
    slots["study_lc"] = study if study[:2].isupper() else study[0].lower() + study[1:]
    return slots


def measurement_slots(draw: Draw) -> dict[str, Slot]:
    """Vital signs, labs and bedside status; numbers like these are not identifiers."""
    rng = draw.rng
    oxygen = draw.pick(OXYGEN)
    return {
        "hr": str(rng.randint(54, 128)), "bp": f"{rng.randint(92, 172)}/{rng.randint(48, 98)}",
        "rr": str(rng.randint(12, 30)), "spo2": str(rng.randint(86, 99)), "temp": f"{rng.uniform(36.2, 39.1):.1f}",
        "wbc": f"{rng.uniform(3.1, 19.8):.1f}", "cr": f"{rng.uniform(0.5, 3.2):.1f}",
        "k": f"{rng.uniform(3.0, 5.6):.1f}", "hgb": f"{rng.uniform(6.8, 15.2):.1f}", "days": str(rng.randint(2, 12)),
        "o2": oxygen, "o2_lc": oxygen.lower(), "abx": draw.pick(ANTIBIOTICS),
        "neuro": draw.pick(NEURO_STATUS), "resp": draw.pick(RESP_STATUS),
    }  # fmt: skip


def people_slots(draw: Draw) -> dict[str, Slot]:
    """The patient, a relative and the care team; clinicians get a fresh name style per mention."""
    sex = draw.pick("FM")
    first, last = draw.name(sex)
    relation = draw.pick(list(RELATIONS))
    relative = draw.name(RELATIONS[relation])[0]
    attending, consultant, pcp, radiologist, nurse = (draw.name() for _ in range(5))
    style = draw.pick(("full", "full", "upper", "inverted"))
    female = sex == "F"
    return {
        "patient": Pii(name_variant(first, last, style), "PERSON"),
        "patient_lc": Pii(name_variant(first, last, "lower"), "PERSON"),
        "pt_last": Pii(last, "PERSON"),
        "title": "Ms." if female else "Mr.",
        "sex": "female" if female else "male",
        "sex_short": "f" if female else "m",
        "He": "She" if female else "He",
        "His": "Her" if female else "His",
        "his": "her" if female else "his",
        "relation": relation,
        "relative_full": Pii(f"{relative} {last}", "PERSON"),
        "relative_lc": Pii(relative.lower(), "PERSON"),
        "attending": lambda: clinician(draw, *attending),
        "consultant": lambda: clinician(draw, *consultant),
        "consultant_last": Pii(consultant[1], "PERSON"),
        "pcp": lambda: clinician(draw, *pcp),
        "radiologist": [Pii(name_variant(*radiologist, "full"), "PERSON"), ", MD"],
        "signature": [Pii(name_variant(*attending, "full"), "PERSON"), ", MD"],
        "doc_lc": ["dr. ", Pii(attending[1].lower(), "PERSON")],
        "nurse_lc": [Pii(name_variant(*nurse, draw.pick(("first", "full"))).lower(), "PERSON"), ", rn"],
        "email": Pii(draw.email(first, last), "EMAIL_ADDRESS"),
    }


def note(draw: Draw, specialty: str, templates: Templates, with_dob: bool, target: int, part: str) -> PlantedDoc:
    """One clinical note about a patient of ``specialty``; a note with a date of birth carries
    no other date, so all its dates stay within the 21-day window."""
    fake = draw.fake
    anchor = draw.day(1925, 2002) if with_dob else draw.day(1990, 2024)
    builder = DocumentBuilder(draw, anchor)
    payer = draw.pick(PAYERS)
    mrn = draw.pick("123456789") + draw.digits(draw.pick((6, 7)))
    slots: dict[str, Slot] = {
        **people_slots(draw), **vocab_slots(draw, specialty, part), **measurement_slots(draw),
        "age": age(draw), "mrn": lambda: [draw.pick(MRN_LABELS), Pii(mrn, "MRN")], "mrn_digits": Pii(mrn, "MRN"),
        "hospital": Pii(hospital_name(draw), "HOSPITAL"), "hospital2": Pii(hospital_name(draw), "HOSPITAL"),
        "town": Pii(fake.city(), "LOCATION"), "address": lambda: address(draw),
        "phone": Pii(fake.phone_number(), "PHONE_NUMBER"), "clinic_phone": Pii(fake.phone_number(), "PHONE_NUMBER"),
        "payer": payer, "plan_id": Pii(health_plan_id(draw, payer), "HEALTH_PLAN_ID"),
        "url": Pii(fake.uri(), "URL"),
    }  # fmt: skip
    if with_dob:
        slots["dob"] = lambda: builder.date(DOB_STYLES)
    else:
        slots["date"] = lambda: builder.date(tuple(DATE_STYLES))
        slots["short_date"] = lambda: builder.date(SHORT_DATE_STYLES)
    return compose(builder, slots, templates, target)


def corpus_note(draw: Draw, kind: str) -> PlantedDoc:
    with_dob = draw.chance(DOB_SHARE.get(kind, 0.0))
    return note(draw, draw.pick(LABELS), KIND_TEMPLATES[kind], with_dob, draw.rng.randint(300, 1100), "corpus")


def labelled_note(part: str) -> Callable[[Draw, str], PlantedDoc]:
    """A short note of one specialty, written with the ``part``'s share of the specialty terms."""

    def make(draw: Draw, label: str) -> PlantedDoc:
        return note(draw, label, TASK_TEMPLATES, draw.chance(DOB_SHARE["task"]), draw.rng.randint(110, 330), part)

    return make


def generate(folder: Path) -> None:
    """Write the medical sample (corpus, task, eval, gold spans) into ``folder``."""
    corpus = balanced(Draw(SEEDS["corpus"]), KINDS, CORPUS_PER_KIND, corpus_note)
    task = balanced(Draw(SEEDS["task"]), LABELS, TASK_PER_LABEL, labelled_note("task"))
    held_out = balanced(Draw(SEEDS["eval"]), LABELS, EVAL_PER_LABEL, labelled_note("eval"))
    write_sample(folder, "med", corpus, task, held_out)


if __name__ == "__main__":
    generate(SAMPLE_FOLDER)
