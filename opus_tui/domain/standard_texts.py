"""Standard texts the booking page shows when a text setting is left empty (from the manual,
or where the manual shows none, our own wording — marked as such)."""

PATIENT_INFO_HEADING = "Om personinformation"
PATIENT_INFO = (
    "De uppgifter du lämnar till oss när du bokar en behandling kan komma att lagras. "
    "Likaså har vi användarens medgivande att vid behov lagra information när du besöker vår "
    "webbplats (cookies). Uppgifterna kommer att bearbetas och kontinuerligt uppdateras för att "
    "upprätthålla god kund- och registervård."
)

# The manual says a standard text exists for each deviation but does not print it: ours.
NEW_BOOKING_DISABLED = (
    "Det går för närvarande inte att boka nya tider via nätet. "
    "Kontakta kliniken per telefon för att boka tid."
)
MAINTENANCE = "Bokningssidan är tillfälligt stängd för underhåll. Välkommen tillbaka om en stund."
NOT_PUBLISHED = (
    "Onlinebokning är inte tillgänglig på den här sidan. Kontakta kliniken för att boka tid."
)

UNGROUPED_CLINICS_HEADING = "Ogrupperade kliniker"
