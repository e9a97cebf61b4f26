"""UTM parameters: the campaign tags web analytics (Google Analytics, Matomo) read from a
link's query to tell which visits came from which mailing.

They are added once per mailing, when ``links.prepare`` goes over its links, so the stored
links (and the redirects of tracked clicks) already carry them.
"""

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


@dataclass(frozen=True)
class Utm:
    """The tags of one mailing; ``content_per_link`` names each link by its position."""

    source: str
    medium: str
    campaign: str
    content_per_link: bool = False

    def apply(self, url: str, position: int) -> str:
        """``url`` with the tags added to its query, after the parameters it has.

        A tag the link already has (say, ``utm_source`` written by hand) is kept as it is.
        """
        tags = {"utm_source": self.source, "utm_medium": self.medium}
        tags["utm_campaign"] = self.campaign
        if self.content_per_link:
            tags["utm_content"] = f"enlace-{position + 1}"
        parts = urlsplit(url)
        present = {name for name, _value in parse_qsl(parts.query, keep_blank_values=True)}
        added = urlencode(
            {name: value for name, value in tags.items() if value and name not in present}
        )
        if not added:
            return url
        query = f"{parts.query}&{added}" if parts.query else added
        return urlunsplit(parts._replace(query=query))
