"""Assessment drives: a link and a QR poster for a class or department."""
