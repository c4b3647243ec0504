"""Option lists the sandbox forms offer: categories, regions and countries."""

from __future__ import annotations

CATEGORIES_EN: tuple[tuple[str, str], ...] = (
    ("accountants", "Accountants"),
    ("auto-repair", "Auto Repair"),
    ("bakeries", "Bakeries"),
    ("beauty-salons", "Beauty Salons"),
    ("cafes", "Cafés & Coffee Shops"),
    ("cleaning", "Cleaning Services"),
    ("dentists", "Dentists"),
    ("electricians", "Electricians"),
    ("florists", "Florists"),
    ("gyms", "Gyms & Fitness"),
    ("hvac", "Heating & Air Conditioning"),
    ("landscaping", "Landscaping"),
    ("lawyers", "Lawyers"),
    ("pet-services", "Pet Services"),
    ("photographers", "Photographers"),
    ("plumbers", "Plumbers"),
    ("real-estate", "Real Estate"),
    ("restaurants", "Restaurants"),
    ("retail", "Retail & Shopping"),
    ("web-design", "Web Design"),
)

CATEGORIES_DE: tuple[tuple[str, str], ...] = (
    ("101", "Bäckerei"),
    ("102", "Cafés"),
    ("103", "Elektriker"),
    ("104", "Friseur"),
    ("105", "Gartenbau"),
    ("106", "Heizung & Sanitär"),
    ("107", "Immobilien"),
    ("108", "Rechtsanwälte"),
    ("109", "Restaurants"),
    ("110", "Steuerberater"),
    ("111", "Webdesign"),
    ("112", "Zahnärzte"),
)

CATEGORIES_ES: tuple[tuple[str, str], ...] = (
    ("abogados", "Abogados"),
    ("cafeterias", "Cafeterías"),
    ("dentistas", "Dentistas"),
    ("diseno-web", "Diseño web"),
    ("electricistas", "Electricistas"),
    ("fontaneros", "Fontaneros"),
    ("inmobiliarias", "Inmobiliarias"),
    ("jardineria", "Jardinería"),
    ("panaderias", "Panaderías"),
    ("peluquerias", "Peluquerías"),
    ("restaurantes", "Restaurantes"),
)

CATEGORIES_FR: tuple[tuple[str, str], ...] = (
    ("11", "Avocats"),
    ("12", "Boulangeries"),
    ("13", "Cafés"),
    ("14", "Coiffeurs"),
    ("15", "Création de sites web"),
    ("16", "Dentistes"),
    ("17", "Électriciens"),
    ("18", "Experts-comptables"),
    ("19", "Immobilier"),
    ("20", "Paysagistes"),
    ("21", "Plombiers"),
    ("22", "Restaurants"),
)

US_STATES: tuple[tuple[str, str], ...] = (
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"),
    ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"),
    ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"),
    ("WI", "Wisconsin"), ("WY", "Wyoming"),
)  # fmt: skip

CA_PROVINCES: tuple[tuple[str, str], ...] = (
    ("AB", "Alberta"), ("BC", "British Columbia"), ("MB", "Manitoba"), ("NB", "New Brunswick"),
    ("NL", "Newfoundland and Labrador"), ("NS", "Nova Scotia"), ("ON", "Ontario"),
    ("PE", "Prince Edward Island"), ("QC", "Quebec"), ("SK", "Saskatchewan"),
)  # fmt: skip

DE_STATES: tuple[str, ...] = (
    "Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen",
    "Mecklenburg-Vorpommern", "Niedersachsen", "Nordrhein-Westfalen", "Rheinland-Pfalz",
    "Saarland", "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein", "Thüringen",
)  # fmt: skip

ES_PROVINCES: tuple[str, ...] = (
    "A Coruña", "Alicante", "Asturias", "Barcelona", "Bizkaia", "Cádiz", "Girona", "Granada",
    "Illes Balears", "Las Palmas", "Madrid", "Málaga", "Murcia", "Navarra", "Sevilla",
    "Valencia", "Zaragoza",
)  # fmt: skip

COUNTRIES_EN: tuple[tuple[str, str], ...] = (
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
    ("DE", "Germany"),
    ("FR", "France"),
    ("ES", "Spain"),
    ("NL", "Netherlands"),
)

COUNTRIES_DE: tuple[tuple[str, str], ...] = (
    ("DE", "Deutschland"),
    ("AT", "Österreich"),
    ("CH", "Schweiz"),
    ("LI", "Liechtenstein"),
    ("LU", "Luxemburg"),
)

COUNTRIES_ES: tuple[tuple[str, str], ...] = (
    ("ES", "España"),
    ("AD", "Andorra"),
    ("AR", "Argentina"),
    ("CL", "Chile"),
    ("CO", "Colombia"),
    ("MX", "México"),
    ("PE", "Perú"),
)

COUNTRIES_FR: tuple[str, ...] = ("France", "Belgique", "Suisse", "Luxembourg", "Monaco", "Canada")
