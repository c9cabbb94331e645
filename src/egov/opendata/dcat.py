"""The catalogue in DCAT-AP 3 (Turtle, JSON-LD, RDF/XML), built with rdflib.

Every dataset with its distributions, publisher (a foaf:Agent), theme (a skos:Concept of our
theme scheme), keywords, contact point, temporal and spatial coverage, frequency (the EU
frequency vocabulary) and licence (공공누리 types 1-4, CC BY 4.0). The shared nodes (agencies,
themes, licences, frequencies, formats) are described once.

Each dataset's part is kept as stored N-Triples (`DatasetRdf`), written by the services when the
dataset changes; an export puts the fragments together (each line once) instead of building
10,000 datasets' terms again, which is what made the export slow (docs/benchmarks.md).
"""

import datetime as dt
import json
import re
from collections import defaultdict

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD
from rdflib.plugins.serializers.nt import _nt_row

from egov.opendata.models import LICENCE_URLS, Dataset, Licence, Theme
from egov.opendata.selectors import datasets_with_details

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCAT3 = Namespace(str(DCAT))  # DCAT 3 terms (dcat:version) rdflib's closed namespace lacks
EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_LANGUAGE = URIRef("http://publications.europa.eu/resource/authority/language/KOR")
KOREA = URIRef("http://publications.europa.eu/resource/authority/country/KOR")
FREQUENCIES = {
    "daily": EU_FREQUENCY.DAILY,
    "weekly": EU_FREQUENCY.WEEKLY,
    "monthly": EU_FREQUENCY.MONTHLY,
    "quarterly": EU_FREQUENCY.QUARTERLY,
    "annual": EU_FREQUENCY.ANNUAL,
    "irregular": EU_FREQUENCY.IRREG,
}
FORMATS = {"CSV": "CSV", "JSON": "JSON", "XML": "XML", "XLSX": "XLSX", "PDF": "PDF", "ZIP": "ZIP"}
CHUNK = 2000
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"
MEDIA_TYPES = {
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json; charset=utf-8",
    "rdf": "application/rdf+xml; charset=utf-8",
}


def _url(path: str) -> URIRef:
    return URIRef(settings.EGOV_PUBLIC_URL + path)


def _stamp(moment: dt.datetime) -> Literal:
    return Literal(moment.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


class _Builder:
    """Collects the catalogue's triples: into an rdflib graph, or (for Turtle) into a list that
    is written out line by line (see catalogue_serialize)."""

    def __init__(self, *, graph: bool = True):
        self.g = Graph(store="SimpleMemory") if graph else None
        self.triples: list = []
        # The URL patterns reversed once with a placeholder, not three times per dataset.
        self.paths = {
            name: reverse(f"opendata:{name}", args=[arg]).replace(arg, "{}")
            for name, arg in (
                ("dataset", "placeholder"),
                ("resource", PLACEHOLDER),
                ("download", PLACEHOLDER),
            )
        }
        prefixes = (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("skos", SKOS), ("vcard", VCARD))
        for prefix, ns in prefixes if self.g is not None else ():
            self.g.bind(prefix, ns)
        self.agents: set[str] = set()
        self.shared: set[URIRef] = set()
        self.scheme = _url("/data/themes")

    def add(self, s, p, o) -> None:
        if self.g is not None:
            self.g.add((s, p, o))
        else:
            self.triples.append((s, p, o))

    def agent(self, agency) -> URIRef:
        node = _url(f"/data/organization/{agency.code}")
        if agency.code not in self.agents:
            self.agents.add(agency.code)
            self.add(node, RDF.type, FOAF.Agent)
            self.add(node, FOAF.name, Literal(agency.name_ko, lang="ko"))
            self.add(node, FOAF.name, Literal(agency.name_en, lang="en"))
            self.add(node, DCTERMS.identifier, Literal(agency.code))
        return node

    def _once(self, node: URIRef, kind: URIRef, label: str | None = None) -> URIRef:
        if node not in self.shared:
            self.shared.add(node)
            self.add(node, RDF.type, kind)
            if label:
                self.add(node, SKOS.prefLabel, Literal(label))
        return node

    def licence(self, code: str) -> URIRef:
        node = URIRef(LICENCE_URLS[code])
        if node not in self.shared:
            self._once(node, DCTERMS.LicenseDocument)
            self.add(node, DCTERMS.title, Literal(str(Licence(code).label)))
        return node

    def theme(self, theme: Theme) -> URIRef:
        node = _url(f"/data/themes/{theme.name}")
        if node not in self.shared:
            self._once(node, SKOS.Concept)
            self.add(node, SKOS.prefLabel, Literal(theme.title_ko, lang="ko"))
            self.add(node, SKOS.prefLabel, Literal(theme.title_en, lang="en"))
            self.add(node, SKOS.inScheme, self.scheme)
        return node

    def file_type(self, fmt: str) -> URIRef | None:
        name = FORMATS.get(fmt.upper())
        return self._once(EU_FILE_TYPE[name], DCTERMS.MediaTypeOrExtent) if name else None

    def dataset(self, catalog: URIRef, d: Dataset) -> None:
        page = _url(self.paths["dataset"].format(d.name))
        node = URIRef(page + "#dataset")
        add = self.add
        add(catalog, DCAT.dataset, node)
        add(node, RDF.type, DCAT.Dataset)
        add(node, DCTERMS.identifier, Literal(str(d.id)))
        add(node, DCTERMS.title, Literal(d.title_ko, lang="ko"))
        if d.title_en:
            add(node, DCTERMS.title, Literal(d.title_en, lang="en"))
        add(node, DCTERMS.description, Literal(d.notes or d.title_ko, lang="ko"))
        add(node, DCTERMS.publisher, self.agent(d.publisher))
        add(node, DCAT.landingPage, page)
        add(page, RDF.type, FOAF.Document)
        add(node, DCTERMS.issued, _stamp(d.created_at))
        add(node, DCTERMS.modified, _stamp(d.modified_at))
        add(node, DCAT3.version, Literal(str(d.version)))
        add(node, DCTERMS.accrualPeriodicity, self._once(FREQUENCIES[d.frequency], DCTERMS.Frequency))
        add(node, DCTERMS.spatial, self._once(KOREA, DCTERMS.Location))
        add(node, DCTERMS.language, self._once(EU_LANGUAGE, DCTERMS.LinguisticSystem))
        if d.theme_id:
            add(node, DCAT.theme, self.theme(d.theme))
        for tag in d.tags.all():
            add(node, DCAT.keyword, Literal(tag.name, lang="ko"))
        if d.contact_name or d.contact_email:
            contact = BNode()
            add(node, DCAT.contactPoint, contact)
            add(contact, RDF.type, VCARD.Kind)
            add(contact, VCARD.fn, Literal(d.contact_name or d.publisher.name_ko))
            if d.contact_email:
                add(contact, VCARD.hasEmail, URIRef(f"mailto:{d.contact_email}"))
        if d.temporal_start or d.temporal_end:
            period = BNode()
            add(node, DCTERMS.temporal, period)
            add(period, RDF.type, DCTERMS.PeriodOfTime)
            if d.temporal_start:
                add(period, DCAT.startDate, Literal(d.temporal_start.isoformat(), datatype=XSD.date))
            if d.temporal_end:
                add(period, DCAT.endDate, Literal(d.temporal_end.isoformat(), datatype=XSD.date))
        licence = self.licence(d.licence)
        for r in d.resources.all():
            dist = _url(self.paths["resource"].format(r.id))
            download = _url(self.paths["download"].format(r.id))
            add(node, DCAT.distribution, dist)
            add(dist, RDF.type, DCAT.Distribution)
            add(dist, DCTERMS.title, Literal(r.name, lang="ko"))
            add(dist, DCAT.accessURL, dist)
            add(dist, DCAT.downloadURL, download)
            add(dist, DCTERMS.license, licence)
            add(dist, DCAT.byteSize, Literal(r.size, datatype=XSD.nonNegativeInteger))
            add(dist, DCTERMS.modified, _stamp(r.last_modified))
            file_type = self.file_type(r.format)
            if file_type is not None:
                add(dist, DCTERMS["format"], file_type)


def _fragment(b: _Builder, catalog: URIRef, d: Dataset) -> str:
    """The N-Triples lines of one dataset: its triples, its link from the catalogue, and the
    description of every shared node it points to (repeated in each fragment; the assembly
    writes each line once)."""
    b.triples = []
    b.agents.clear()
    b.shared.clear()
    b.dataset(catalog, d)
    return "".join(_nt_row(t) for t in dict.fromkeys(b.triples))


def fragments_refresh(datasets=None) -> int:
    """Write the RDF fragment of each dataset (of `datasets`, a queryset; default all) that has
    none or was changed since its fragment was written; return how many were written. The
    services call it for the dataset they changed, in their transaction; the assembly calls it
    for whatever is left stale (a dataset written some other way)."""
    from django.db.models import F, Q

    from egov.opendata.models import DatasetRdf

    stale = (datasets if datasets is not None else Dataset.objects.all()).filter(
        Q(rdf__isnull=True) | ~Q(rdf__source_modified=F("modified_at"))
    )
    b = _Builder(graph=False)
    catalog = _url("/catalog")
    written = 0
    last_pk = None
    while True:
        chunk = stale.order_by("pk")
        if last_pk is not None:
            chunk = chunk.filter(pk__gt=last_pk)
        rows = list(datasets_with_details(chunk)[:CHUNK])
        if not rows:
            return written
        fragments = [
            DatasetRdf(dataset_id=d.pk, ntriples=_fragment(b, catalog, d), source_modified=d.modified_at)
            for d in rows
        ]
        DatasetRdf.objects.bulk_create(
            fragments,
            update_conflicts=True,
            unique_fields=["dataset"],
            update_fields=["ntriples", "source_modified"],
        )
        written += len(fragments)
        last_pk = rows[-1].pk


def _head() -> tuple[_Builder, list]:
    """The catalogue's own triples (title, homepage, theme scheme, last change, publisher)."""
    b = _Builder(graph=False)
    catalog = _url("/catalog")
    b.add(catalog, RDF.type, DCAT.Catalog)
    b.add(catalog, DCTERMS.title, Literal("공공데이터포털", lang="ko"))
    b.add(catalog, DCTERMS.title, Literal("Public Data Portal", lang="en"))
    b.add(catalog, DCTERMS.description, Literal("행정기관이 제공하는 공공데이터 목록", lang="ko"))
    b.add(catalog, FOAF.homepage, b._once(_url("/data/"), FOAF.Document))
    b.add(catalog, DCTERMS.language, b._once(EU_LANGUAGE, DCTERMS.LinguisticSystem))
    b.add(catalog, DCTERMS.spatial, b._once(KOREA, DCTERMS.Location))
    b.add(b.scheme, RDF.type, SKOS.ConceptScheme)
    b.add(b.scheme, DCTERMS.title, Literal("공공데이터 분류체계", lang="ko"))
    b.add(catalog, DCAT.themeTaxonomy, b.scheme)
    latest = Dataset.objects.aggregate(m=Max("modified_at"))["m"]
    if latest:
        b.add(catalog, DCTERMS.modified, _stamp(latest))
    from egov.registry.models import Agency

    first = Dataset.objects.order_by("pk").select_related("publisher").first()
    publisher = (
        first.publisher
        if first is not None
        else Agency.objects.filter(code="1741000").first() or Agency.objects.order_by("code").first()
    )
    if publisher is not None:
        b.add(catalog, DCTERMS.publisher, b.agent(publisher))
    return b, b.triples


def catalogue_serialize(kind: str) -> tuple[bytes, str]:
    """(the catalogue in `kind` — ttl, jsonld or rdf —, its media type), kept in the cache under
    the catalogue's stamp (how many datasets, the last change), so it is assembled again only
    after the catalogue changed.

    Turtle is written as N-Triples lines (N-Triples is a subset of Turtle): the datasets' stored
    fragments put together, each line once; no rdflib graph is built for it."""
    from django.core.cache import cache

    from egov.opendata.selectors import catalogue_stamp

    media_type = MEDIA_TYPES[kind]
    key = f"opendata:dcat:{kind}:" + "-".join(map(str, catalogue_stamp()))
    content = cache.get(key)
    if content is None:
        content = catalogue_build(kind)
        cache.set(key, content, 3600)
    return content, media_type


def catalogue_build(kind: str) -> bytes:
    """The catalogue in `kind`, assembled now from the datasets' fragments (those missing or
    stale written first). Turtle is the N-Triples lines themselves; JSON-LD (expanded form) and
    RDF/XML are written from those lines, one node per subject, with no rdflib graph."""
    from egov.opendata.models import DatasetRdf

    if kind not in MEDIA_TYPES:
        raise ValueError(f"no such serialization: {kind}")
    fragments_refresh()
    _b, head = _head()
    seen: set[str] = set()
    out: list[str] = []
    for line in (_nt_row(t) for t in head):
        if line not in seen:
            seen.add(line)
            out.append(line)
    for text in (
        DatasetRdf.objects.order_by("dataset_id")
        .values_list("ntriples", flat=True)
        .iterator(chunk_size=CHUNK)
    ):
        for line in text.splitlines(keepends=True):
            if line not in seen:
                seen.add(line)
                out.append(line)
    if kind == "ttl":
        return "".join(out).encode("utf-8")
    return (_jsonld if kind == "jsonld" else _rdfxml)(_by_subject(out)).encode("utf-8")


# --- JSON-LD and RDF/XML written from the assembled N-Triples lines, with no rdflib graph --------
# The lines are the ones `_nt_row` writes (IRIs in <>, blank nodes _:id, literals with \\ \n \"
# \r escaped and an optional @lang or ^^<datatype>), so a line is read with one expression.

_LINE = re.compile(
    r"^(<[^>]*>|_:\S+) <([^>]*)> "  # subject, predicate
    r'(?:<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?) \.$'  # object
)
_ESCAPES = {"n": "\n", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPED = re.compile(r"\\(.)")
RDF_TYPE = str(RDF.type)
XSD_STRING = str(XSD.string)
PREFIXES = {
    str(RDF): "rdf",
    str(DCAT): "dcat",
    str(DCTERMS): "dct",
    str(FOAF): "foaf",
    str(SKOS): "skos",
    str(VCARD): "vcard",
}


def _by_subject(lines: list[str]) -> dict[str, list[tuple]]:
    """{subject: [(predicate, object kind, value, language, datatype)]} of N-Triples lines, in
    their order; a subject is "<iri>" or "_:id", an object kind "iri", "bnode" or "literal"."""
    out: dict[str, list[tuple]] = defaultdict(list)
    for line in lines:
        m = _LINE.match(line.rstrip("\n"))
        if m is None:
            raise ValueError(f"not an N-Triples line of ours: {line[:200]!r}")
        subject, predicate, iri, bnode, lexical, language, datatype = m.groups()
        if iri is not None:
            obj = ("iri", iri, None, None)
        elif bnode is not None:
            obj = ("bnode", bnode, None, None)
        else:
            value = _ESCAPED.sub(lambda e: _ESCAPES.get(e.group(1), e.group(0)), lexical)
            obj = ("literal", value, language, datatype)
        out[subject].append((predicate, *obj))
    return out


def _jsonld(nodes: dict[str, list[tuple]]) -> str:
    """The triples as JSON-LD in expanded form (full IRIs, one node object per subject)."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    parts = []
    for subject, rows in nodes.items():
        node: dict = {"@id": subject[1:-1] if subject[0] == "<" else subject}
        for predicate, kind, value, language, datatype in rows:
            if predicate == RDF_TYPE and kind == "iri":
                node.setdefault("@type", []).append(value)
                continue
            if kind == "iri":
                obj = {"@id": value}
            elif kind == "bnode":
                obj = {"@id": "_:" + value}
            elif language:
                obj = {"@value": value, "@language": language}
            elif datatype and datatype != XSD_STRING:
                obj = {"@value": value, "@type": datatype}
            else:
                obj = {"@value": value}
            node.setdefault(predicate, []).append(obj)
        parts.append(dumps(node))
    return '{"@graph": [\n' + ",\n".join(parts) + "\n]}\n"


def _qname(predicate: str, namespaces: dict[str, str]) -> str:
    """`predicate` as prefix:local for RDF/XML, a new prefix (ns1, ns2...) for a namespace we do
    not name; ValueError for a predicate whose local name cannot be an XML name."""
    cut = max(predicate.rfind("#"), predicate.rfind("/")) + 1
    namespace, local = predicate[:cut], predicate[cut:]
    if not _NCNAME.match(local):
        raise ValueError(f"no XML name for the predicate {predicate}")
    if namespace not in namespaces:
        namespaces[namespace] = f"ns{len(namespaces) + 1}"
    return f"{namespaces[namespace]}:{local}"


_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")


def _node_id(bnode: str) -> str:
    return bnode if _NCNAME.match(bnode) else "b" + bnode.encode().hex()


def _rdfxml(nodes: dict[str, list[tuple]]) -> str:
    """The triples as RDF/XML: one rdf:Description per subject, a property element per triple."""
    from xml.sax.saxutils import escape, quoteattr

    text = {"\r": "&#13;"}
    namespaces = dict(PREFIXES)
    qnames: dict[str, str] = {}
    body = []
    for subject, rows in nodes.items():
        about = (
            f"rdf:about={quoteattr(subject[1:-1])}"
            if subject[0] == "<"
            else f'rdf:nodeID="{_node_id(subject[2:])}"'
        )
        body.append(f"  <rdf:Description {about}>\n")
        for predicate, kind, value, language, datatype in rows:
            name = qnames.get(predicate) or qnames.setdefault(predicate, _qname(predicate, namespaces))
            if kind == "iri":
                body.append(f"    <{name} rdf:resource={quoteattr(value)}/>\n")
            elif kind == "bnode":
                body.append(f'    <{name} rdf:nodeID="{_node_id(value)}"/>\n')
            else:
                attribute = (
                    f' xml:lang="{language}"'
                    if language
                    else (f" rdf:datatype={quoteattr(datatype)}" if datatype else "")
                )
                body.append(f"    <{name}{attribute}>{escape(value, text)}</{name}>\n")
        body.append("  </rdf:Description>\n")
    declarations = "".join(
        f"\n   xmlns:{prefix}={quoteattr(namespace)}" for namespace, prefix in namespaces.items()
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + f"<rdf:RDF{declarations}>\n"
        + "".join(body)
        + "</rdf:RDF>\n"
    )
