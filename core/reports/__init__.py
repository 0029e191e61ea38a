"""Reports that leave the bench: the PDF batch summary, the certificate of analysis, their seal."""
