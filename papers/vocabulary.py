"""The vocabularies papers ship with: kinds, tags, bodies and mission lists. The secretariat adds
more from the vocabulary page; `ensure_vocabulary()` only adds what is missing, never changes
or removes what is there, so it is safe to run on every start."""

KINDS = [
    ("analytical-paper", "Analytical paper", "Document d'analyse"),
    ("policy-brief", "Policy brief", "Note d'orientation"),
    ("information-paper", "Information paper", "Document d'information"),
    ("joint-paper", "Joint paper", "Document conjoint"),
    ("strategy", "Strategy", "Stratégie"),
    ("position-paper", "Position paper", "Document de position"),
    ("submission", "Submission", "Contribution"),
    ("report", "Report", "Rapport"),
]

SDG_TARGETS = [
    ("4.4", "Youth and adults with ICT skills",
     "Jeunes et adultes disposant de compétences en TIC"),
    ("4.a", "Education facilities with internet access",
     "Établissements scolaires disposant d'un accès à Internet"),
    ("5.b", "Women's use of enabling technology, in particular ICT",
     "Usage par les femmes des technologies clés, en particulier des TIC"),
    ("9.1", "Quality, reliable and resilient infrastructure",
     "Infrastructures fiables, résilientes et de qualité"),
    ("9.c", "Universal and affordable access to the Internet",
     "Accès universel et abordable à Internet"),
    ("16.10", "Public access to information", "Accès public à l'information"),
    ("17.6", "Cooperation on science, technology and innovation",
     "Coopération en matière de science, de technologie et d'innovation"),
    ("17.8", "Enabling technology, in particular ICT, for least developed countries",
     "Technologies clés, en particulier les TIC, pour les pays les moins avancés"),
    ("17.18", "Capacity for high-quality, timely and reliable data",
     "Capacités en matière de données fiables, actuelles et de qualité"),
]

DECLARATIONS = [
    ("wsis", "World Summit on the Information Society (WSIS)",
     "Sommet mondial sur la société de l'information (SMSI)"),
    ("samoa-pathway", "SAMOA Pathway", "Orientations de Samoa"),
    ("abas", "Antigua and Barbuda Agenda for SIDS (2024)",
     "Programme d'Antigua-et-Barbuda pour les PEID (2024)"),
    ("2050-strategy", "2050 Strategy for the Blue Pacific Continent",
     "Stratégie 2050 pour le continent du Pacifique bleu"),
    ("fpr", "Framework for Pacific Regionalism", "Cadre pour le régionalisme dans le Pacifique"),
    ("boe", "Boe Declaration on Regional Security", "Déclaration de Boe sur la sécurité régionale"),
    ("lagatoi", "Lagatoi Declaration on Digital Transformation (2023)",
     "Déclaration de Lagatoi sur la transformation numérique (2023)"),
]

ICT_AREAS = [
    ("connectivity", "Connectivity", "Connectivité"),
    ("submarine-cables", "Submarine cables", "Câbles sous-marins"),
    ("cybersecurity", "Cybersecurity", "Cybersécurité"),
    ("digital-government", "Digital government", "Administration numérique"),
    ("e-commerce", "E-commerce", "Commerce électronique"),
    ("skills", "Digital skills", "Compétences numériques"),
    ("spectrum", "Spectrum", "Spectre radioélectrique"),
    ("policy-regulation", "ICT policy and regulation", "Politique et réglementation des TIC"),
    ("data-statistics", "Data and statistics", "Données et statistiques"),
    ("emergency-telecoms", "Emergency telecommunications", "Télécommunications d'urgence"),
    ("digital-inclusion", "Digital inclusion", "Inclusion numérique"),
]

BODIES = [
    ("crop-executives", "CROP Executives", "Chefs exécutifs du CORP", ""),
    ("sscr", "Specialist Sub-Committee on Regionalism",
     "Sous-comité spécialisé sur le régionalisme", "SSCR"),
    ("foc", "Forum Officials Committee", "Comité des représentants officiels du Forum", "FOC"),
    ("forum-leaders", "Pacific Islands Forum Leaders", "Dirigeants du Forum des Îles du Pacifique",
     ""),
    ("femm", "Forum Economic Ministers Meeting", "Réunion des ministres de l'Économie du Forum",
     "FEMM"),
    ("ict-ministers", "Pacific ICT Ministers' Meeting",
     "Réunion des ministres des TIC du Pacifique", ""),
    ("missions-un", "Pacific Missions to the United Nations",
     "Missions du Pacifique auprès des Nations Unies", ""),
    ("crga", "SPC Committee of Representatives of Governments and Administrations",
     "Comité des représentants des gouvernements et administrations de la CPS", "CRGA"),
    ("sprep-meeting", "SPREP Meeting", "Conférence du PROE", ""),
    ("usp-council", "USP Council", "Conseil de l'USP", ""),
    ("ffc", "Forum Fisheries Committee", "Comité des pêches du Forum", "FFC"),
    ("spto-council", "SPTO Council of Tourism Ministers",
     "Conseil des ministres du Tourisme de l'OTPS", ""),
]

MISSION_LISTS = [
    ("un-new-york", "Pacific Missions to the UN, New York",
     "Missions du Pacifique auprès de l'ONU, New York"),
    ("un-geneva", "Pacific Missions to the UN, Geneva",
     "Missions du Pacifique auprès de l'ONU, Genève"),
    ("eu-brussels", "Pacific Missions in Brussels", "Missions du Pacifique à Bruxelles"),
]


def ensure_vocabulary(apps=None) -> None:
    """Add the shipped vocabularies that are missing (`apps` from a data migration)."""
    get = apps.get_model if apps else _live_model
    kind_model, tag_model = get("papers", "PaperKind"), get("papers", "Tag")
    for order, (slug, en, fr) in enumerate(KINDS):
        kind_model.objects.get_or_create(slug=slug, defaults={"name_en": en, "name_fr": fr,
                                                              "order": order})
    for kind, entries in (("sdg", SDG_TARGETS), ("declaration", DECLARATIONS),
                          ("area", ICT_AREAS)):
        for order, (code, en, fr) in enumerate(entries):
            tag_model.objects.get_or_create(kind=kind, code=code, defaults={
                "name_en": en, "name_fr": fr, "order": order})
    body_model = get("members", "Body")
    for order, (slug, en, fr, acronym) in enumerate(BODIES):
        body_model.objects.get_or_create(slug=slug, defaults={
            "name_en": en, "name_fr": fr, "acronym": acronym, "order": order})
    list_model = get("papers", "MissionList")
    for slug, en, fr in MISSION_LISTS:
        list_model.objects.get_or_create(slug=slug, defaults={"name_en": en, "name_fr": fr})


def _live_model(app_label: str, name: str):
    from django.apps import apps

    return apps.get_model(app_label, name)
