"""Territories: the metropole, its communes and their quartiers (QPV)."""
