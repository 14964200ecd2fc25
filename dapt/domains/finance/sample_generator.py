"""Generate the bundled finance sample: customer messages with planted PII and exact gold spans.

``python -m dapt.domains.finance.sample_generator`` rewrites ``sample/`` (byte-identical each run).
IBANs carry valid mod-97 check digits and card numbers valid Luhn check digits, so checksum-based
recognizers see realistic values. Task labels are customer intents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import zip_longest
from pathlib import Path

from dapt.domains.sample_builder import (
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
SEEDS = {"corpus": 2201, "task": 2202, "eval": 2203}
CORPUS_PER_KIND, TASK_PER_LABEL, EVAL_PER_LABEL = 75, 80, 24
DATE_STYLES = ("03/14/2021", "3/14/2021", "3/14", "March 14, 2021", "Mar 14", "Mar 14, 2021", "2021-03-14")
DOB_STYLES = ("03/14/2021", "3/14/2021", "March 14, 2021", "2021-03-14")

BANKS = ("Northwind Bank", "Harbor Federal Savings", "Summit Trust", "Bluewater Credit Union", "Meridian National Bank")
MERCHANTS = ("QuickMart Online", "StreamFlix", "Skyline Air", "Urban Threads", "GadgetHub", "FreshCart", "FitLife Gym")
RELATIONS = {"wife": "F", "husband": "M", "daughter": "F", "son": "M", "mother": "F", "father": "M", "partner": ""}
GB_BANK_CODES = ("NWBK", "BARC", "LOYD", "HBUK", "MIDL")
NL_BANK_CODES = ("ABNA", "INGB", "RABO", "TRIO")
BENEFICIARY_BANKS = {  # fictional banks, one list per IBAN country
    "DE": ("Nordkreis Bank AG", "Rheinhafen Volksbank eG"),
    "GB": ("Albion & Thames Bank plc", "Kingsgate Savings Ltd"),
    "FR": ("Banque Lumière SA", "Crédit des Tilleuls"),
    "NL": ("Polder Bank N.V.", "Grachten Spaarbank"),
}
CURRENCIES = {"DE": "EUR", "GB": "GBP", "FR": "EUR", "NL": "EUR"}
CARD_NETWORKS = (("4", 16), ("51", 16), ("52", 16), ("55", 16), ("34", 15), ("37", 15), ("6011", 16))
ACCOUNT_LABELS = ("account no. ", "acct ", "acct # ", "account number ", "checking account ")
RISK_RATINGS = ("low", "low", "medium", "high")
PURPOSES = ("supplier invoice", "tuition fees", "property deposit", "family support", "consulting fees")

INTENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "card_dispute": {
        "subject": ("Disputed charge on my card", "Charge I do not recognise", "Refund never received"),
        "say": (
            "I am writing to dispute a charge of {amount} from {merchant} that appeared on my statement on {date}.",
            "My card {card} was billed twice for the same purchase at {merchant}.",
            "I cancelled my subscription with {merchant} but was still charged {amount}.",
            "The merchant promised a refund of {amount} but it has not been credited to my card.",
            "The item I ordered never arrived and the seller has stopped answering my messages.",
            "The posted transaction is higher than the total printed on my receipt.",
            "Please open a chargeback and issue a provisional credit while you investigate.",
            "I have attached the receipt and the cancellation confirmation for your review.",
            "The disputed transaction posted on {date} for {amount}.",
            "How long does the dispute process usually take?",
        ),
        "note": (
            "cust disputes {amount} charge from {merchant} posted {date}.",
            "cust states merchant refused refund; cancellation email on file.",
            "duplicate authorization on card {card}, second charge still pending.",
            "opened chargeback case, provisional credit of {amount} issued.",
            "advised cust to keep receipts until dispute resolution.",
        ),
    },
    "fraud_report": {
        "subject": ("URGENT - fraud on my account", "Unauthorized transactions", "Stolen card"),
        "say": (
            "I think my card {card} has been compromised; there are several transactions I did not make.",
            "My wallet was stolen on {date} and someone has already used my card at a gas station.",
            "I received a text asking me to confirm my details at {url} and entered my card number before "
            "realising it was a scam.",
            "Someone logged into my online banking from an unknown device and changed my password.",
            "Please block the card immediately and freeze {acct} until this is resolved.",
            "There were unauthorized withdrawals totalling {amount} from my checking account.",
            "I suspect identity theft: a credit line was opened in my name using my SSN {ssn}.",
            "A caller pretending to be from your fraud department asked for my one-time passcode.",
            "My phone lost service and I believe my SIM was swapped; transfers were made shortly after.",
            "I did not authorize these purchases and want the fraudulent charges reversed.",
        ),
        "note": (
            "cust reports card {card} lost/stolen, last legitimate use {date}.",
            "unauthorized txns totalling {amount}; card blocked, replacement ordered.",
            "cust clicked phishing link {url}; online banking credentials reset.",
            "possible identity theft, SSN {ssn} flagged with credit bureaus.",
            "fraud hold placed on {acct}; fraud team to contact cust.",
        ),
    },
    "loan_inquiry": {
        "subject": ("Question about refinancing", "Personal loan enquiry", "Mortgage pre-approval"),
        "say": (
            "I would like information about refinancing my mortgage; my current interest rate is {rate}.",
            "What is the APR on a {term} fixed-rate loan for someone with a good credit score?",
            "I am interested in a personal loan of {loan_amount} to consolidate credit card debt.",
            "Could you send me the pre-approval requirements for an auto loan?",
            "Is there a prepayment penalty if I pay off the loan early?",
            "I would like to open a home equity line of credit against my home at {street}.",
            "Please explain the origination fee and closing costs on the loan estimate dated {date}.",
            "My debt-to-income ratio has improved, so I would like to ask about a lower monthly installment.",
            "How long does underwriting take once I submit my pay stubs and tax returns?",
            "Can the loan proceeds be disbursed into {acct}?",
        ),
        "note": (
            "cust asking about mortgage refinance, current rate {rate}.",
            "explained APR vs interest rate on {term} fixed product.",
            "sent pre-approval checklist to {email}.",
            "cust wants personal loan of {loan_amount} for debt consolidation; soft credit pull consented.",
            "loan estimate issued {date}; origination fee and prepayment terms reviewed.",
        ),
    },
    "account_update": {
        "subject": ("Change of address", "Update my contact details", "Name change on my account"),
        "say": (
            "I recently moved; please update my mailing address to {address}.",
            "Please change the phone number on file to {phone}.",
            "My email address has changed to {email}; please send all statements there.",
            "I got married and need my surname on the account changed to {new_last}.",
            "I would like to add my {relation} {relative} as a joint account holder.",
            "Please switch me to paperless statements and update my contact preferences.",
            "I want to name {relative} as the beneficiary on my savings account.",
            "I would like to close my savings account and move the balance into checking.",
            "Please register the power of attorney for my {relation}, {relative}.",
            "Could you link my external account {iban} for transfers?",
        ),
        "note": (
            "updated mailing address to {address}.",
            "updated phone on file to {phone}; email updated to {email}.",
            "added joint holder {relative} ({relation}) to {acct}.",
            "name change to {new_last} pending marriage certificate upload.",
            "enrolled in paperless statements per cust request.",
        ),
    },
    "wire_transfer": {
        "subject": ("International wire transfer", "Incoming wire not received", "Wire recall request"),
        "say": (
            "I need to send an international wire of {amount_fx} to {beneficiary}, IBAN {iban}, BIC {bic}.",
            "The incoming wire from my employer has not arrived; it was sent on {date}.",
            "Please confirm the cutoff time for same-day wires and the fee for outgoing transfers.",
            "Can you trace the wire I sent on {date}? The beneficiary bank says the funds never arrived.",
            "I entered the wrong IBAN and would like to recall the transfer before it is credited.",
            "Which intermediary or correspondent bank should I list for a payment in {currency}?",
            "What exchange rate will apply to a transfer of {amount_fx}?",
            "The remittance reference should read invoice {invoice}.",
            "Please send the funds from {acct} to {bene_bank}, SWIFT code {bic}.",
        ),
        "note": (
            "cust requests outgoing wire of {amount_fx} to {beneficiary}, IBAN {iban}.",
            "initiated trace on wire sent {date}; beneficiary bank {bene_bank}.",
            "explained wire cutoff times and correspondent bank fees.",
            "recall requested for wire to IBAN {iban}; no guarantee of return.",
            "incoming wire not yet received; advised cust to obtain MT103 from sender.",
        ),
    },
}
LABELS = tuple(INTENTS)

CHAT_AGENT_LINES = (
    "Agent {agent_first}: For security, please confirm your date of birth.\nCustomer: It is {dob}.\n",
    "Agent {agent_first}: Thanks. Can you confirm the email on file?\nCustomer: {email}\n",
    "Agent {agent_first}: I understand. Let me look into that for you.\n",
    "Agent {agent_first}: Could you give me the best number to reach you?\nCustomer: {phone}\n",
)
COMPLAINT_LINES = (
    "This is the third time I have contacted you about this matter. ",
    "I expect a full written response within 14 days. ",
    "If this is not resolved I will escalate my complaint to the ombudsman. ",
    "Your branch staff told me the issue had been fixed, which was not true. ",
)
CALL_LINES = (
    "callback number {phone}. ",
    "cust verified with DOB {dob} and address on file. ",
    "cust verified with SSN {ssn}. ",
    "cust upset about hold time. ",
)
KYC_BODY = (
    "Residential address: {address}.\n",
    "Phone: {phone}; email: {email}.\n",
    "Occupation: {job}.\n",
    "ID verified: driver's license, expiry checked.\n",
    "Source of funds: salary and savings.\n",
    "Expected monthly activity: {amount}.\n",
    "PEP screening negative; sanctions screening clear.\n",
    "Initial deposit of {amount} credited to {acct}.\n",
    "Risk rating: {risk}.\n",
    "Existing card on file: {card}.\n",
    "Related party: {relation} {relative_full}.\n",
    "Previous bank account: IBAN {iban}.\n",
)
WIRE_BODY = (
    "Beneficiary name: {beneficiary}\n",
    "Beneficiary IBAN: {iban}\n",
    "Beneficiary bank: {bene_bank}\n",
    "BIC/SWIFT: {bic}\n",
    "Amount: {amount_fx}\n",
    "Value date: {date}\n",
    "Payment reference: invoice {invoice}\n",
    "Purpose of payment: {purpose}\n",
    "Charges: OUR\n",
    "Contact for queries: {phone}\n",
    "Ordering customer address: {address}\n",
    "Notify ordering customer at {email}\n",
)


def spoken(intent: str) -> tuple[str, ...]:
    """The intent's first-person sentences, each followed by a space."""
    return tuple(f"{sentence} " for sentence in INTENTS[intent]["say"])


def kind_templates(kind: str, intent: str) -> Templates:
    """The templates of one corpus document type, with the intent's sentences where it has any."""
    say, note = spoken(intent), INTENTS[intent]["note"]
    chat = [f"Customer: {sentence.strip()}\n" for sentence in say]
    kinds = {
        "email": Templates(
            head=("Subject: {subject}\n\nDear {bank} team,\n\n", "Subject: {subject}\nFrom: {email}\n\nHello,\n\n"),
            body=say + ("My account number is {acct_digits}. ",),
            tail=("\n\nKind regards,\n{customer}\n{phone}\n", "\n\nThanks,\n{cust_first}\n", "\n\n{customer}\n"),
        ),
        "chat_transcript": Templates(
            head=(
                "Chat transcript - {date}\nAgent {agent_first}: Hello, thanks for contacting {bank}. How can I help?\n",
                "Live chat, {bank}\nCustomer name: {customer}\n",
            ),
            body=tuple(line for pair in zip_longest(chat, CHAT_AGENT_LINES) for line in pair if line),
            tail=("Agent {agent_first}: Is there anything else I can help with today?\n", "[chat ended]\n"),
        ),
        "call_center_note": Templates(
            head=(
                "Call note - {date}\nCaller: {customer}, {acct}\nAgent: {agent}\n",
                "Inbound call, {customer}. ",
                "INBOUND CALL {date} - caller {customer} re {acct}. ",
            ),
            body=CALL_LINES + tuple(f"{sentence} " for sentence in note),
            tail=("\nCase closed. - {agent_first}\n", "\nFollow-up scheduled for {date}.\n", "\n- {agent}\n"),
        ),
        "complaint_letter": Templates(
            head=(
                "{customer}\n{address}\n\n{date}\n\nComplaints Department\n{bank}\n\nDear Sir or Madam,\n\n",
                "{customer}\n{address}\n\nComplaints Department, {bank}\n\nRe: {acct}\n\nDear Sir or Madam,\n\n",
            ),
            body=say + COMPLAINT_LINES,
            tail=("\n\nYours faithfully,\n{customer}\n{phone}\n", "\n\nSincerely,\n{customer}\n"),
        ),
        "kyc_note": Templates(
            head=(
                "KYC onboarding note - new customer\nName: {customer}\nDOB: {dob}\nSSN: {ssn}\n",
                "KYC review {date}\nCustomer: {customer}\nSSN: {ssn}\n",
            ),
            body=KYC_BODY,
            tail=("Reviewed by {agent}.\n", "Onboarding approved; file closed by {agent}.\n"),
        ),
        "wire_instruction": Templates(
            head=(
                "WIRE TRANSFER INSTRUCTION\nDate: {date}\nOrdering customer: {customer}\n"
                "Debit account: {acct_digits}\n",
            ),
            body=WIRE_BODY,
            tail=("Authorised signature: {customer}\n", "Signed: {customer}, {date}\n"),
        ),
    }
    return kinds[kind]


KINDS = ("email", "chat_transcript", "call_center_note", "complaint_letter", "kyc_note", "wire_instruction")
TASK_HEADS = (
    "", "Hi, ", "Hello, this is {customer}. ", "Message from {customer} ({email}): ", "Chat {date}: ",
    "Dear {bank}, ", "Subject: {subject}. ",
)  # fmt: skip
TASK_TAILS = (
    "", "Thanks, {cust_first}", "Regards, {customer}", "My account no. is {acct_digits}.", "Call me at {phone}.",
)  # fmt: skip
DOB_SHARE = {"kyc_note": 0.75, "call_center_note": 0.3, "chat_transcript": 0.2, "task": 0.1}


def luhn_remainder(digits: str) -> int:
    """The Luhn sum of ``digits`` modulo 10 (0 for a valid number)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10


def luhn_valid(number: str) -> bool:
    """Whether a card number (spaces and dashes allowed) passes the Luhn check."""
    digits = re.sub(r"[ -]", "", number)
    return digits.isdigit() and luhn_remainder(digits) == 0


def with_luhn_digit(partial: str) -> str:
    """``partial`` followed by the check digit that makes it Luhn-valid."""
    return partial + str((10 - luhn_remainder(partial + "0")) % 10)


def iban_number(text: str) -> int:
    """Letters as 10..35, digits as themselves, read as one integer (ISO 13616)."""
    return int("".join(str(int(char, 36)) for char in text))


def iban_check_digits(country: str, bban: str) -> str:
    return f"{98 - iban_number(bban + country + '00') % 97:02d}"


def iban_valid(iban: str) -> bool:
    """Whether an IBAN (spaces allowed) passes the mod-97 check."""
    compact = iban.replace(" ", "")
    return len(compact) > 4 and compact.isalnum() and iban_number(compact[4:] + compact[:4]) % 97 == 1


def french_bban(draw: Draw) -> str:
    """Bank, branch and account numbers plus the RIB key that the French national check expects."""
    bank, branch, account = draw.digits(5), draw.digits(5), draw.digits(11)
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    return f"{bank}{branch}{account}{key:02d}"


BBAN: dict[str, Callable[[Draw], str]] = {
    "DE": lambda draw: draw.digits(18),
    "GB": lambda draw: draw.pick(GB_BANK_CODES) + draw.digits(14),
    "FR": french_bban,
    "NL": lambda draw: draw.pick(NL_BANK_CODES) + draw.digits(10),
}


def iban(draw: Draw, country: str) -> str:
    """A checksum-valid IBAN, compact or in groups of four."""
    bban = BBAN[country](draw)
    compact = country + iban_check_digits(country, bban) + bban
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4)) if draw.chance(0.5) else compact


def card_number(draw: Draw) -> str:
    """A Luhn-valid card number, plain or grouped with spaces or dashes (Amex 4-6-5)."""
    prefix, length = draw.pick(CARD_NETWORKS)
    digits = with_luhn_digit(prefix + draw.digits(length - len(prefix) - 1))
    groups = (4, 6, 5) if length == 15 else (4, 4, 4, 4)
    starts = [sum(groups[:index]) for index in range(len(groups))]
    parts = [digits[start : start + size] for start, size in zip(starts, groups, strict=True)]
    return draw.pick((" ", "-", "")).join(parts)


def ssn(draw: Draw) -> str:
    """A valid-format SSN: area 001-899 except 666, group 01-99, serial 0001-9999."""
    area = draw.pick([number for number in range(1, 900) if number != 666])
    group, serial, separator = draw.rng.randint(1, 99), draw.rng.randint(1, 9999), draw.pick("- ")
    return f"{area:03d}{separator}{group:02d}{separator}{serial:04d}"


def address(draw: Draw) -> list[Part]:
    fake = draw.fake
    state = fake.state_abbr(include_territories=False, include_freely_associated_states=False)
    return [
        Pii(fake.street_address(), "STREET_ADDRESS"), ", ", Pii(fake.city(), "LOCATION"), ", ",
        Pii(state, "LOCATION"), " ", Pii(fake.zipcode(), "ZIP_CODE"),
    ]  # fmt: skip


def people_slots(draw: Draw) -> dict[str, Slot]:
    """The customer, a relative, a wire beneficiary and the bank agent."""
    sex = draw.pick("FM")
    first, last = draw.name(sex)
    relation = draw.pick(list(RELATIONS))
    relative = draw.name(RELATIONS[relation])
    agent_first, agent_last = draw.name()
    return {
        "customer": Pii(name_variant(first, last, draw.pick(("full", "full", "upper", "inverted"))), "PERSON"),
        "cust_first": Pii(first, "PERSON"),
        "new_last": Pii(draw.fake.last_name(), "PERSON"),
        "relation": relation,
        "relative": Pii(name_variant(*relative, "full"), "PERSON"),
        "relative_full": Pii(f"{relative[0]} {last}", "PERSON"),
        "beneficiary": Pii(name_variant(*draw.name(), draw.pick(("full", "upper"))), "PERSON"),
        "agent_first": Pii(agent_first, "PERSON"),
        "agent": Pii(name_variant(agent_first, agent_last, draw.pick(("full", "initial"))), "PERSON"),
        "email": Pii(draw.email(first, last), "EMAIL_ADDRESS"),
    }


def money_slots(draw: Draw, intent: str) -> dict[str, Slot]:
    """Accounts, cards, IBANs and amounts; plain amounts are not personal data."""
    rng = draw.rng
    country = draw.pick(list(BBAN))
    account = draw.digits(rng.randint(8, 12))
    return {
        "acct": lambda: [draw.pick(ACCOUNT_LABELS), Pii(account, "ACCOUNT_NUMBER")],
        "acct_digits": Pii(account, "ACCOUNT_NUMBER"),
        "card": Pii(card_number(draw), "CREDIT_CARD"),
        "iban": Pii(iban(draw, country), "IBAN_CODE"),
        "ssn": Pii(ssn(draw), "US_SSN"),
        "bic": draw.fake.swift(length=draw.pick((8, 11))),
        "bene_bank": draw.pick(BENEFICIARY_BANKS[country]),
        "currency": CURRENCIES[country],
        "amount": lambda: f"${rng.uniform(12, 4800):,.2f}",
        "loan_amount": f"${rng.randint(5, 400) * 1000:,}",
        "amount_fx": f"{CURRENCIES[country]} {rng.randint(500, 60000):,}.00",
        "invoice": f"INV-{draw.digits(5)}",
        "rate": f"{rng.uniform(3.1, 8.9):.2f}%",
        "term": draw.pick(("15-year", "30-year", "5-year", "7-year")),
        "merchant": draw.pick(MERCHANTS),
        "bank": draw.pick(BANKS),
        "subject": draw.pick(INTENTS[intent]["subject"]),
        "risk": draw.pick(RISK_RATINGS),
        "purpose": draw.pick(PURPOSES),
    }


def message(draw: Draw, intent: str, templates: Templates, with_dob: bool, target: int) -> PlantedDoc:
    """One customer document about ``intent``; a document with a date of birth carries no other
    date, so all its dates stay within the 21-day window."""
    fake = draw.fake
    anchor = draw.day(1940, 2004) if with_dob else draw.day(2018, 2025)
    builder = DocumentBuilder(draw, anchor)
    slots: dict[str, Slot] = {
        **people_slots(draw), **money_slots(draw, intent),
        "address": lambda: address(draw), "street": Pii(fake.street_address(), "STREET_ADDRESS"),
        "phone": Pii(fake.phone_number(), "PHONE_NUMBER"), "url": Pii(fake.uri(), "URL"), "job": fake.job(),
    }  # fmt: skip
    if with_dob:
        slots["dob"] = lambda: builder.date(DOB_STYLES)
    else:
        slots["date"] = lambda: builder.date(DATE_STYLES)
    return compose(builder, slots, templates, target)


def corpus_message(draw: Draw, kind: str) -> PlantedDoc:
    intent = draw.pick(LABELS)
    with_dob = draw.chance(DOB_SHARE.get(kind, 0.0))
    return message(draw, intent, kind_templates(kind, intent), with_dob, draw.rng.randint(300, 1100))


def task_message(draw: Draw, label: str) -> PlantedDoc:
    templates = Templates(TASK_HEADS, spoken(label), TASK_TAILS)
    return message(draw, label, templates, draw.chance(DOB_SHARE["task"]), draw.rng.randint(110, 330))


def generate(folder: Path) -> None:
    """Write the finance sample (corpus, task, eval, gold spans) into ``folder``."""
    corpus = balanced(Draw(SEEDS["corpus"]), KINDS, CORPUS_PER_KIND, corpus_message)
    task = balanced(Draw(SEEDS["task"]), LABELS, TASK_PER_LABEL, task_message)
    held_out = balanced(Draw(SEEDS["eval"]), LABELS, EVAL_PER_LABEL, task_message)
    write_sample(folder, "fin", corpus, task, held_out)


if __name__ == "__main__":
    generate(SAMPLE_FOLDER)
