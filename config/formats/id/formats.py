# Dates as Indonesian letters and lists write them: "21 November 2026",
# not Django's abbreviated "21 Nov. 2026".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H.i"
