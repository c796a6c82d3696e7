"""Phone numbers: parsed, validated and formatted by Google's libphonenumber rules."""

import functools
import re

import phonenumbers
from django.core.exceptions import ValidationError
from phonenumbers import geocoder, shortnumberinfo

REGION = "US"
# The United States and its territories: calls among them are not international.
US_REGIONS = {"US", "PR", "VI", "GU", "AS", "MP"}


def normalize_phone(text: str, *, allow_short: bool = False) -> str:
    """Return E.164 for a full number, or the bare digits of a US short code such as 911 or 711.

    Raises ValidationError with a message an editor can act on.
    """
    text = (text or "").strip()
    example = "Enter it as 1-800-555-0123 or +1 800 555 0123"
    if not text:
        raise ValidationError("Enter a phone number.", code="required")
    try:
        parsed = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            "“%(value)s” is not a phone number. %(example)s.",
            code="invalid_phone",
            params={"value": text[:40], "example": example},
        ) from None
    # A phone dials a link's digits only: an extension or a letter would be dropped unseen.
    if parsed.extension or re.search(r"[^\W\d_]", text):
        raise ValidationError(
            "“%(value)s” is not digits alone: a tap to call would drop its extension or "
            "letters. %(example)s.",
            code="invalid_phone",
            params={"value": text[:40], "example": example},
        )
    if phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.PREMIUM_RATE:
        raise ValidationError(
            "“%(value)s” is a premium-rate number: members who call it are charged.",
            code="invalid_phone",
            params={"value": text[:40]},
        )
    if phonenumbers.is_valid_number(parsed):
        region = phonenumbers.region_code_for_number(parsed)
        if region not in US_REGIONS:
            # +1 809 looks like a US number and is the Dominican Republic's.
            raise ValidationError(
                "“%(value)s” is a number in %(region)s: members calling it from the US pay "
                "for an international call. Enter a US number.",
                code="invalid_phone",
                params={
                    "value": text[:40],
                    "region": geocoder.country_name_for_number(parsed, "en") or "another country",
                },
            )
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if allow_short and shortnumberinfo.is_valid_short_number_for_region(parsed, REGION):
        return str(parsed.national_number)
    raise ValidationError(
        "“%(value)s” is not a valid phone number%(short)s. %(example)s.",
        code="invalid_phone",
        params={
            "value": text[:40],
            "short": " or short code such as 911 or 711" if allow_short else "",
            "example": example,
        },
    )


@functools.lru_cache(maxsize=1024)
def display_phone(stored: str) -> str:
    """The number as members read it: 1-800-322-6027 for US numbers, as the plan prints them.
    Kept per number: a page writes the same few numbers many times, and parsing one cost more
    than the rest of writing its link."""
    if not stored.startswith("+"):
        return stored
    parsed = phonenumbers.parse(stored)
    if parsed.country_code == 1:
        digits = str(parsed.national_number)
        return f"1-{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def tel_href(stored: str) -> str:
    return f"tel:{stored}"
