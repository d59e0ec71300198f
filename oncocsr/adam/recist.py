"""RECIST 1.1 response categories (SAP section 4): their ADRS AVAL coding and the order of the
best overall response table. Apart from the ADRS derivation, so that the tables and endpoints that
only need the categories do not depend on its code (a change to ADRS reruns ADRS, not them)."""

# AVAL coding of response categories, best first.
RESPONSE_AVAL = {"CR": 1, "PR": 2, "SD": 3, "NON-CR/NON-PD": 4, "PD": 5, "NE": 6, "MISSING": 7}
# Rows of the best overall response table (14.2.1), in AVAL order.
BOR_CATEGORIES = list(RESPONSE_AVAL)
