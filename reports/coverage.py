"""The ToR coverage heat map: objectives × quarters, coloured by recorded activity."""
