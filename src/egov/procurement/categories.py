"""The product categories suppliers supply and tenders ask for: UNSPSC segments (the two-digit
top level of the United Nations Standard Products and Services Code), a short list of the
ones public buyers use most. A code list in code, not a table: it changes with a release."""

CATEGORIES: dict[str, tuple[str, str]] = {
    "25": ("차량 및 부품", "Commercial, military and private vehicles and parts"),
    "30": ("구조물 및 건축자재", "Structures, building and construction components"),
    "39": ("전기 시스템 및 조명", "Electrical systems, lighting and components"),
    "42": ("의료 장비 및 용품", "Medical equipment, accessories and supplies"),
    "43": ("정보기술 및 통신장비", "Information technology, broadcasting and telecommunications"),
    "44": ("사무용 기기 및 용품", "Office equipment, accessories and supplies"),
    "46": ("방위 및 보안 장비", "Defence, law enforcement and security equipment"),
    "56": ("가구", "Furniture and furnishings"),
    "72": ("건설 서비스", "Building, facility construction and maintenance services"),
    "78": ("운송 및 보관 서비스", "Transportation, storage and mail services"),
    "80": ("경영 및 행정 서비스", "Management and business professionals and administrative services"),
    "81": ("엔지니어링 및 연구 서비스", "Engineering, research and technology based services"),
    "86": ("교육 서비스", "Education and training services"),
}
