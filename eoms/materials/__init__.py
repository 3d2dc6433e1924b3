"""Material receiving (材料进场): deliveries received against order lines by scanning batch
codes, certificates of conformity, QR labels, and where each batch was used (traceability)."""
