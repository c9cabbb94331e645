"""The catalogue's code side as the exchange reads it. The declarations live in
`egov.core.shared_items`, below the providing apps (the registry), so that providers need not
import the exchange that sits above them.

`READS` names what an official's page or action may show of a person, outside the shared
items (`exchange.services.people_shown`): the code an access-log entry carries as its item,
what the person is told was done, and the official's duty, shown with the agency instead of
a name ("종로구 주민등록 담당 공무원")."""

from dataclasses import dataclass

from egov.core.shared_items import REGISTRY, ItemDefinition, Serve, shared_item


@dataclass(frozen=True)
class ReadKind:
    code: str
    name_ko: str
    name_en: str
    duty_ko: str  # "주민등록 담당": shown as "<agency> 주민등록 담당 공무원"
    duty_en: str


_REGISTRAR = ("주민등록 담당", "resident registration")
_CIVIL = ("민원 담당", "civil service")
_PETITIONS = ("국민신문고 민원 담당", "petitions")
_DISCLOSURE = ("정보공개 담당", "information disclosure")

READS: dict[str, ReadKind] = {
    kind.code: kind
    for kind in (
        ReadKind("registry.resident", "주민등록 기록 열람", "Resident record viewed", *_REGISTRAR),
        ReadKind("registry.household", "세대 구성원으로 표시", "Shown as a household member", *_REGISTRAR),
        ReadKind("registry.family", "가족관계로 표시", "Shown as a family member", *_REGISTRAR),
        ReadKind("registry.search", "검색 결과에 표시", "Shown in search results", *_REGISTRAR),
        ReadKind("registry.rrn_reveal", "주민등록번호 전체 확인", "Full ID number revealed", *_REGISTRAR),
        ReadKind("registry.vehicle", "자동차 소유자로 표시", "Shown as a vehicle's owner", *_REGISTRAR),
        ReadKind("registry.business", "사업자 대표자로 표시", "Shown as a representative", *_REGISTRAR),
        ReadKind("civil.counter", "창구 민원 접수", "Application recorded at the counter", *_CIVIL),
        ReadKind("civil.application", "민원 신청서 열람", "Application viewed", *_CIVIL),
        ReadKind("civil.certificate", "공무원이 증명서 발급", "Certificate issued by an official", *_CIVIL),
        ReadKind("petitions.petition", "민원 내용 열람", "Petition viewed", *_PETITIONS),
        ReadKind("disclosure.request", "정보공개 청구서 열람", "Disclosure request viewed", *_DISCLOSURE),
    )
}

__all__ = ["READS", "REGISTRY", "ItemDefinition", "ReadKind", "Serve", "shared_item"]
