"""Casework: intake, the four review steps, joint review, one-person-one-plan, referral,
the ledger, evaluation and removal, and the working-day deadlines they run on."""
