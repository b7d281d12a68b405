"""Study 5's figures, one module each (``plot(table, pdf, png, style, options)``)."""
