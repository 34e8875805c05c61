"""The document engine: compile a .docx template once, render many documents from it."""
