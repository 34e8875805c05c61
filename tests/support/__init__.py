"""Test support: filling forms like Word and LibreOffice, building workbooks."""
