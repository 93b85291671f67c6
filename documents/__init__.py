"""PDF letters: receipts, notices, decision and appeal letters, verification codes.

Plain Python, no Flask: `documents.letters` holds the inputs (frozen records,
`LetterContent` and one subclass per kind),
`documents.render.render_letter(letter, training=..., verify_base_url=...)` returns
the PDF bytes and `documents.verification` the code printed on them.
"""
