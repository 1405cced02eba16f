"""The time zone a page most likely writes its times in, when no source configuration says it.

Used for naive times ("2024-05-03T15:47:42" with no offset), for day-only values and for the
calendar day a user groups by (``published_date``).  Most specific first:

1. the page's country: its URL's country-code domain (``.de``, ``.co.uk``, ``.jp``), else the
   region of its declared language (``<html lang="en-GB">``);
2. its language, when nearly everyone writing it lives in one zone (``de``, ``ja``, ``id``);
3. UTC.

A country spanning several zones gets the zone of its capital or main news centre (US: New York,
Indonesia: Jakarta/WIB, Russia: Moscow, Australia: Sydney, Canada: Toronto, Brazil: São Paulo);
a page from elsewhere in such a country states its zone next to the time (WITA, PT, AEST) or
writes an offset, which always wins over this default.  Generic domains (.com, .org, .news) say
nothing about a country; English, Spanish, Portuguese and Arabic are spoken in too many zones to
imply one.
"""

from __future__ import annotations

from extractors.urls import url_host

# ISO 3166 country (and ccTLD) -> the zone its national press writes in
COUNTRY_ZONES: dict[str, str] = {
    # Europe
    "de": "Europe/Berlin", "at": "Europe/Vienna", "ch": "Europe/Zurich", "li": "Europe/Vaduz",
    "lu": "Europe/Luxembourg", "fr": "Europe/Paris", "be": "Europe/Brussels", "nl": "Europe/Amsterdam",
    "it": "Europe/Rome", "es": "Europe/Madrid", "pt": "Europe/Lisbon", "pl": "Europe/Warsaw",
    "cz": "Europe/Prague", "sk": "Europe/Bratislava", "hu": "Europe/Budapest", "ro": "Europe/Bucharest",
    "bg": "Europe/Sofia", "gr": "Europe/Athens", "se": "Europe/Stockholm", "no": "Europe/Oslo",
    "dk": "Europe/Copenhagen", "fi": "Europe/Helsinki", "is": "Atlantic/Reykjavik", "ie": "Europe/Dublin",
    "uk": "Europe/London", "gb": "Europe/London", "ee": "Europe/Tallinn", "lv": "Europe/Riga",
    "lt": "Europe/Vilnius", "si": "Europe/Ljubljana", "hr": "Europe/Zagreb", "rs": "Europe/Belgrade",
    "ba": "Europe/Sarajevo", "mk": "Europe/Skopje", "al": "Europe/Tirane", "me": "Europe/Podgorica",
    "mt": "Europe/Malta", "cy": "Asia/Nicosia", "ua": "Europe/Kyiv", "by": "Europe/Minsk",
    "md": "Europe/Chisinau", "ru": "Europe/Moscow", "tr": "Europe/Istanbul", "gl": "America/Nuuk",
    # Asia and the Pacific
    "id": "Asia/Jakarta", "my": "Asia/Kuala_Lumpur", "sg": "Asia/Singapore", "ph": "Asia/Manila",
    "th": "Asia/Bangkok", "vn": "Asia/Ho_Chi_Minh", "kh": "Asia/Phnom_Penh", "la": "Asia/Vientiane",
    "mm": "Asia/Yangon", "bn": "Asia/Brunei", "tl": "Asia/Dili", "jp": "Asia/Tokyo", "kr": "Asia/Seoul",
    "cn": "Asia/Shanghai", "tw": "Asia/Taipei", "hk": "Asia/Hong_Kong", "mo": "Asia/Macau",
    "in": "Asia/Kolkata", "pk": "Asia/Karachi", "bd": "Asia/Dhaka", "lk": "Asia/Colombo",
    "np": "Asia/Kathmandu", "il": "Asia/Jerusalem", "lb": "Asia/Beirut", "jo": "Asia/Amman",
    "ae": "Asia/Dubai", "qa": "Asia/Qatar", "sa": "Asia/Riyadh", "kw": "Asia/Kuwait", "ir": "Asia/Tehran",
    "iq": "Asia/Baghdad", "au": "Australia/Sydney", "nz": "Pacific/Auckland",
    # Africa
    "za": "Africa/Johannesburg", "na": "Africa/Windhoek", "ls": "Africa/Maseru", "bw": "Africa/Gaborone",
    "zw": "Africa/Harare", "zm": "Africa/Lusaka", "tz": "Africa/Dar_es_Salaam", "ke": "Africa/Nairobi",
    "ug": "Africa/Kampala", "rw": "Africa/Kigali", "et": "Africa/Addis_Ababa", "ng": "Africa/Lagos",
    "gh": "Africa/Accra", "sn": "Africa/Dakar", "eg": "Africa/Cairo", "ma": "Africa/Casablanca",
    "tn": "Africa/Tunis", "dz": "Africa/Algiers",
    # the Americas
    "us": "America/New_York", "ca": "America/Toronto", "mx": "America/Mexico_City",
    "br": "America/Sao_Paulo", "ar": "America/Argentina/Buenos_Aires", "cl": "America/Santiago",
    "co": "America/Bogota", "pe": "America/Lima", "ve": "America/Caracas", "ec": "America/Guayaquil",
    "uy": "America/Montevideo", "py": "America/Asuncion", "bo": "America/La_Paz",
}  # fmt: skip

# languages nearly all of whose news is written in one zone (or in zones with the same offset)
LANGUAGE_ZONES: dict[str, str] = {
    "id": "Asia/Jakarta", "ms": "Asia/Kuala_Lumpur", "de": "Europe/Berlin", "fr": "Europe/Paris",
    "it": "Europe/Rome", "nl": "Europe/Amsterdam", "pl": "Europe/Warsaw", "cs": "Europe/Prague",
    "sk": "Europe/Bratislava", "hu": "Europe/Budapest", "ro": "Europe/Bucharest", "bg": "Europe/Sofia",
    "el": "Europe/Athens", "sv": "Europe/Stockholm", "no": "Europe/Oslo", "nb": "Europe/Oslo",
    "nn": "Europe/Oslo", "da": "Europe/Copenhagen", "fi": "Europe/Helsinki", "is": "Atlantic/Reykjavik",
    "et": "Europe/Tallinn", "lv": "Europe/Riga", "lt": "Europe/Vilnius", "sl": "Europe/Ljubljana",
    "hr": "Europe/Zagreb", "sr": "Europe/Belgrade", "uk": "Europe/Kyiv", "tr": "Europe/Istanbul",
    "ja": "Asia/Tokyo", "ko": "Asia/Seoul", "zh": "Asia/Shanghai", "th": "Asia/Bangkok",
    "vi": "Asia/Ho_Chi_Minh", "he": "Asia/Jerusalem", "fa": "Asia/Tehran", "hi": "Asia/Kolkata",
    "bn": "Asia/Dhaka", "tl": "Asia/Manila", "fil": "Asia/Manila",
}  # fmt: skip


def url_country(url: str | None) -> str | None:
    """The country of ``url``'s country-code domain (``"uk"`` for news.co.uk, ``"au"`` for abc.net.au), or None."""
    if not url:
        return None
    host = url_host(url)
    if not host or host.replace(".", "").isdigit():
        return None
    tld = host.rsplit(".", 1)[-1]
    return tld if tld in COUNTRY_ZONES else None


def default_timezone(*, language: str | None, url: str | None = None, region: str | None = None) -> str:
    """The IANA zone a page of unknown source most likely writes in (module docstring); "UTC" if none."""
    country = url_country(url)
    if country:
        return COUNTRY_ZONES[country]
    lang, _, lang_region = (language or "").replace("_", "-").lower().partition("-")
    region = (region or lang_region).lower()
    if region in COUNTRY_ZONES:
        return COUNTRY_ZONES[region]
    return LANGUAGE_ZONES.get(lang, "UTC")


__all__ = ["COUNTRY_ZONES", "LANGUAGE_ZONES", "url_country", "default_timezone"]
