"""Institutions residents talk to and about: mairie, CAF, bailleur, police...

Shared by deliberation (official answers), discourse analysis (the gazetteer of names
residents use for each) and the indicators (contact fluidity).
"""
