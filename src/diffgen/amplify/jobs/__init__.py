"""Job kinds of study `amplify`: ``diffgen amplify <kind>`` runs ``diffgen.amplify.jobs.<kind>``."""
