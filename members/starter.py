"""The CROP ICT Working Group's starter data: its terms of reference, organisations and groups.

Objectives are the group's published terms of reference (generic objectives common to every CROP
working group, then the ICT group's specific ones, then its administrative arrangements).
"""

GENERIC_OBJECTIVES = [
    ("G1",
     "Proactively prepare analytical papers and/or policy briefs on emerging regional priorities, "
     "with options to address them, for consideration by CROP Executives.",
     "Préparer de manière proactive des documents d'analyse et/ou des notes d'orientation sur les "
     "priorités régionales émergentes, avec des options pour y répondre, à l'intention des "
     "dirigeants du CORP."),
    ("G2",
     "Assess the prioritisation decisions of CROP governing bodies and key ministerial meetings "
     "in the group's area, and advise CROP Executives on options for engagement or "
     "implementation.",
     "Évaluer les décisions de priorisation des organes directeurs du CORP et des principales "
     "réunions ministérielles dans le domaine du groupe, et conseiller les dirigeants du CORP "
     "sur les options d'engagement ou de mise en œuvre."),
    ("G3",
     "Contribute to CROP's engagement with the Framework for Pacific Regionalism and its "
     "Specialist Sub-Committee on Regionalism: propose game-changing, transformative priorities "
     "for CROP's own prioritisation before CROP Executives decide what CROP submits as a "
     "collective.",
     "Contribuer à l'engagement du CORP dans le Cadre pour le régionalisme dans le Pacifique et "
     "son Sous-comité spécialisé sur le régionalisme : proposer des priorités transformatrices, "
     "examinées par le processus de priorisation du CORP avant que ses dirigeants ne décident de "
     "ce que le CORP soumet collectivement."),
    ("G4",
     "Contribute to the international development agenda (Sustainable Development Goals and "
     "other global declarations), including policy briefs and information papers for Pacific "
     "Missions to the UN in New York and elsewhere, such as Brussels.",
     "Contribuer au programme international de développement (objectifs de développement "
     "durable et autres déclarations mondiales), notamment par des notes d'orientation et des "
     "documents d'information destinés aux missions du Pacifique auprès de l'ONU à New York et "
     "ailleurs, par exemple à Bruxelles."),
    ("G5",
     "Work with other CROP working groups on cross-cutting priorities: joint papers, policy "
     "briefs and options for CROP Executives.",
     "Travailler avec les autres groupes de travail du CORP sur les priorités transversales : "
     "documents conjoints, notes d'orientation et options pour les dirigeants du CORP."),
    ("G6",
     "Prepare a brief annual assessment report on the group's work against its terms of "
     "reference and objectives, for CROP Executives.",
     "Préparer un bref rapport d'évaluation annuel des travaux du groupe au regard de son mandat "
     "et de ses objectifs, à l'intention des dirigeants du CORP."),
]

ICT_SPECIFIC_OBJECTIVES = [
    ("S1",
     "Provide coordination and advisory services that any organisation working in ICT can be "
     "part of.",
     "Assurer des services de coordination et de conseil auxquels toute organisation active "
     "dans les TIC peut participer."),
    ("S2",
     "Ensure that the Regional ICT Initiative endorsed by Pacific Islands Forum Leaders in 2015 "
     "is implemented, with a sense of urgency.",
     "Veiller à ce que l'initiative régionale sur les TIC approuvée par les dirigeants du Forum "
     "des îles du Pacifique en 2015 soit mise en œuvre avec diligence."),
    ("S3",
     "Act as permanent secretariat coordinating the tasks done by the various players in ICT.",
     "Assurer un secrétariat permanent qui coordonne les tâches des différents acteurs des TIC."),
    ("S4",
     "Review ICT developments in the region; monitor and evaluate the growth of ICT in the "
     "Pacific.",
     "Examiner l'évolution des TIC dans la région ; suivre et évaluer la croissance des TIC dans "
     "le Pacifique."),
    ("S5",
     "Advocate deeper and faster ICT development through coordination and technical and "
     "advisory services.",
     "Plaider pour un développement plus profond et plus rapide des TIC par la coordination et "
     "des services techniques et de conseil."),
    ("S6",
     "Plan the regional dimensions of ICT development; encourage coordination of ICT "
     "initiatives and plans.",
     "Planifier la dimension régionale du développement des TIC ; encourager la coordination "
     "des initiatives et des plans relatifs aux TIC."),
    ("S7",
     "Understand policy attitudes in the ICT ecosystem (W3C, IETF, ICANN, ITU, APT) and within "
     "Pacific Island Countries and Territories when invited.",
     "Comprendre les orientations politiques de l'écosystème des TIC (W3C, IETF, ICANN, UIT, "
     "APT) et, sur invitation, celles des pays et territoires insulaires du Pacifique."),
    ("S8",
     "Give technical advice to the Pacific Islands Forum Secretariat's intergovernmental working "
     "groups in UN and other international negotiations involving ICT.",
     "Fournir des conseils techniques aux groupes de travail intergouvernementaux du "
     "Secrétariat du Forum des îles du Pacifique dans les négociations de l'ONU et autres "
     "négociations internationales touchant aux TIC."),
    ("S9",
     "Provide high-level advisory services to countries and territories, through their ICT or "
     "related ministries, when invited.",
     "Fournir, sur invitation, des services de conseil de haut niveau aux pays et territoires, "
     "par l'intermédiaire de leurs ministères chargés des TIC ou apparentés."),
    ("S10",
     "Develop strategies for the growth of ICT in the Pacific.",
     "Élaborer des stratégies pour la croissance des TIC dans le Pacifique."),
    ("S11",
     "Provide regular reports of ICT development in Asia-Pacific, the Pacific and the world, "
     "relevant to Pacific countries and CROP members.",
     "Publier des rapports réguliers sur le développement des TIC en Asie-Pacifique, dans le "
     "Pacifique et dans le monde, utiles aux pays du Pacifique et aux membres du CORP."),
    ("S12",
     "Encourage synergy of engagement among members of the ICT ecosystem.",
     "Encourager la synergie de l'engagement entre les membres de l'écosystème des TIC."),
    ("S13",
     "Develop and maintain the group's portal.",
     "Développer et maintenir le portail du groupe."),
    ("S14",
     "Widen the group's participation in regional and international forums.",
     "Élargir la participation du groupe aux forums régionaux et internationaux."),
    ("S15",
     "Convene an ICT Ministers' Meeting as required.",
     "Convoquer une réunion des ministres chargés des TIC selon les besoins."),
]

GOVERNANCE_RULES = [
    ("R1",
     "Each year the Chair writes to the head of every member and observer organisation asking "
     "for the names of its representatives.",
     "Chaque année, la présidence écrit au chef de chaque organisation membre et observatrice "
     "pour lui demander le nom de ses représentants."),
    ("R2",
     "The Secretariat keeps the list of representatives in writing.",
     "Le secrétariat tient par écrit la liste des représentants."),
    ("R3",
     "The Chair may invite other agencies and individuals to take part in a consultative "
     "capacity.",
     "La présidence peut inviter d'autres organismes et des personnes à participer à titre "
     "consultatif."),
    ("R4",
     "Where members' views conflict, members try to reach consensus.",
     "Lorsque les avis des membres divergent, les membres s'efforcent de parvenir à un "
     "consensus."),
    ("R5",
     "The Chair convenes meetings.",
     "La présidence convoque les réunions."),
    ("R6",
     "The group may create sub-working groups or taskforces, which report back to it.",
     "Le groupe peut créer des sous-groupes de travail ou des groupes de travail spéciaux, qui "
     "lui rendent compte."),
    ("R7",
     "Information is shared under the group's Data Protocol and Information Dissemination "
     "Guideline: every item has a dissemination level.",
     "L'information est partagée selon le protocole de données et la directive de diffusion de "
     "l'information du groupe : chaque élément a un niveau de diffusion."),
]

# (slug, acronym, English name, French name, kind, country iso3 or "", language)
CROP_AGENCIES = [
    ("ffa", "FFA", "Pacific Islands Forum Fisheries Agency",
     "Agence des pêches du Forum des îles du Pacifique", "SLB"),
    ("paso", "PASO", "Pacific Aviation Safety Office",
     "Bureau de la sécurité aérienne du Pacifique", "VUT"),
    ("pidp", "PIDP", "Pacific Islands Development Program",
     "Programme de développement des îles du Pacifique", ""),
    ("pifs", "PIFS", "Pacific Islands Forum Secretariat",
     "Secrétariat du Forum des îles du Pacifique", "FJI"),
    ("ppa", "PPA", "Pacific Power Association", "Association de l'énergie du Pacifique", "FJI"),
    ("spc", "SPC", "Pacific Community", "Communauté du Pacifique", "NCL"),
    ("sprep", "SPREP", "Secretariat of the Pacific Regional Environment Programme",
     "Secrétariat du Programme régional océanien de l'environnement", "WSM"),
    ("spto", "SPTO", "Pacific Tourism Organisation", "Organisation du tourisme du Pacifique",
     "FJI"),
    ("usp", "USP", "The University of the South Pacific", "Université du Pacifique Sud", "FJI"),
]

# (slug, acronym, English name, French name, kind, membership kind, country)
PARTNERS = [
    ("itu", "ITU", "International Telecommunication Union",
     "Union internationale des télécommunications", "international", "member", ""),
    ("adb", "ADB", "Asian Development Bank", "Banque asiatique de développement", "partner",
     "member", ""),
    ("world-bank", "WB", "World Bank", "Banque mondiale", "partner", "member", ""),
    ("australia", "DFAT", "Government of Australia", "Gouvernement de l'Australie", "partner",
     "member", "AUS"),
    ("new-zealand", "MFAT", "Government of New Zealand", "Gouvernement de la Nouvelle-Zélande",
     "partner", "member", "NZL"),
    ("pipso", "PIPSO", "Pacific Islands Private Sector Organisation",
     "Organisation du secteur privé des îles du Pacifique", "private", "member", "FJI"),
    ("pita", "PITA", "Pacific Islands Telecommunications Association",
     "Association des télécommunications des îles du Pacifique", "private", "member", "FJI"),
    ("jica", "JICA", "Japan International Cooperation Agency",
     "Agence japonaise de coopération internationale", "partner", "observer", "JPN"),
    ("piango", "PIANGO", "Pacific Islands Association of NGOs",
     "Association des ONG des îles du Pacifique", "civil_society", "observer", "FJI"),
]

OTHER_COUNTRIES = [
    ("AUS", "AU", "036", "Australia", "Australie"),
    ("NZL", "NZ", "554", "New Zealand", "Nouvelle-Zélande"),
    ("JPN", "JP", "392", "Japan", "Japon"),
    ("FRA", "FR", "250", "France", "France"),
    ("USA", "US", "840", "United States", "États-Unis"),
]

PICT_NAMES_FR = {
    "ASM": "Samoa américaines", "COK": "Îles Cook", "FJI": "Fidji",
    "FSM": "États fédérés de Micronésie", "PYF": "Polynésie française", "GUM": "Guam",
    "KIR": "Kiribati", "MHL": "Îles Marshall", "NRU": "Nauru", "NCL": "Nouvelle-Calédonie",
    "NIU": "Niue", "MNP": "Îles Mariannes du Nord", "PLW": "Palaos",
    "PNG": "Papouasie-Nouvelle-Guinée", "PCN": "Îles Pitcairn", "WSM": "Samoa",
    "SLB": "Îles Salomon", "TKL": "Tokelau", "TON": "Tonga", "TUV": "Tuvalu",
    "VUT": "Vanuatu", "WLF": "Wallis-et-Futuna",
}

ICT_GROUP = {
    "slug": "ict",
    "acronym": "CROP ICT WG",
    "name_en": "CROP ICT Working Group",
    "name_fr": "Groupe de travail du CORP sur les TIC",
    "description_en": (
        "The ICT Working Group of the Council of Regional Organisations of the Pacific (CROP) "
        "coordinates regional work on information and communication technologies: it advises "
        "CROP Executives, follows the Regional ICT Initiative endorsed by Forum Leaders in 2015, "
        "monitors the growth of ICT in the Pacific and brings together everyone working in ICT "
        "in the region."),
    "description_fr": (
        "Le groupe de travail sur les TIC du Conseil des organisations régionales du Pacifique "
        "(CORP) coordonne les travaux régionaux sur les technologies de l'information et de la "
        "communication : il conseille les dirigeants du CORP, suit l'initiative régionale sur "
        "les TIC approuvée par les dirigeants du Forum en 2015, observe la croissance des TIC "
        "dans le Pacifique et rassemble tous ceux qui œuvrent dans ce domaine dans la région."),
}

OTHER_GROUPS = [
    ("gender", "CROP Gender WG", "CROP Gender Working Group",
     "Groupe de travail du CORP sur l'égalité des sexes"),
    ("health-population", "CROP HP WG", "CROP Health and Population Working Group",
     "Groupe de travail du CORP sur la santé et la population"),
    ("harmonisation", "CROP Harmonisation WG", "CROP Harmonisation Working Group",
     "Groupe de travail du CORP sur l'harmonisation"),
]

ICT_TASKFORCES = [
    ("ict-2050", "2050 ICT Taskforce",
     "Taskforce on ICT in the 2050 Strategy for the Blue Pacific Continent",
     "Groupe de travail spécial sur les TIC dans la Stratégie 2050 pour le continent du "
     "Pacifique bleu"),
]
