"""Study 3's job kinds, one module each (``diffgen repro <kind>``)."""
