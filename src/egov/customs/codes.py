"""The code lists a declaration uses: ISO 3166-1 alpha-2 countries, UN/ECE Recommendation 20
units (the subset customs uses), Incoterms 2020, UN/ECE Recommendation 19 transport modes."""

# ISO 3166-1 alpha-2, the officially assigned codes (249).
COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC
    EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK
    HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB
    LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
    NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU
    RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN
    TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split()
)

# UN/ECE Recommendation 20 (Rev. 17) codes accepted on a declaration.
UNITS = {
    "KGM": "kilogram",
    "GRM": "gram",
    "TNE": "tonne",
    "LTR": "litre",
    "MTR": "metre",
    "MTK": "square metre",
    "MTQ": "cubic metre",
    "H87": "piece",
    "C62": "one (unit)",
    "NAR": "number of articles",
    "PR": "pair",
    "SET": "set",
    "DZN": "dozen",
    "KWH": "kilowatt hour",
    "CT": "carton",
}

INCOTERMS = frozenset({"EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"})

# UN/ECE Recommendation 19: 1 maritime, 2 rail, 3 road, 4 air, 5 mail, 7 fixed installations.
TRANSPORT_MODES = {"1": "sea", "2": "rail", "3": "road", "4": "air", "5": "mail", "7": "fixed"}
