"""appraisal: the yearly appraisal round (medarbeidersamtale) as a batch pipeline over Excel and Word."""

__version__ = "0.1.0"
