"""What counts as activity for an objective: a registry of measures over the record (papers
cleared and submitted, decisions assessed, …), each one query, and the ICT group's default
attribution of measures to its objectives (`DEFAULT_MEASURES`, stored as ObjectiveMeasure rows
the secretariat can change)."""
