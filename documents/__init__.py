"""PDF letters: receipts, decision letters, verification codes."""
