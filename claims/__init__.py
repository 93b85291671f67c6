"""Claims intake: claims, parties, parcels, evidence, import and export; matching."""
