"""The tables the synthetic nation is drawn from: agencies and districts with their real
codes, postal ranges and road names; family and given names; business and vehicle names;
and the legal basis of every kind of registry event.
"""

import datetime as dt

# --- Agencies -------------------------------------------------------------------------------
# Codes are the real 행정기관코드 (administrative agency codes); postal ranges are approximate.

MOIS = ("1741000", "행정안전부", "Ministry of the Interior and Safety")
NTS = ("1210000", "국세청", "National Tax Service")
METROPOLITAN = {
    "6110000": ("서울특별시", "Seoul Metropolitan Government", "Seoul"),
    "6260000": ("부산광역시", "Busan Metropolitan City", "Busan"),
    "6270000": ("대구광역시", "Daegu Metropolitan City", "Daegu"),
    "6280000": ("인천광역시", "Incheon Metropolitan City", "Incheon"),
    "6290000": ("광주광역시", "Gwangju Metropolitan City", "Gwangju"),
    "6300000": ("대전광역시", "Daejeon Metropolitan City", "Daejeon"),
    "6310000": ("울산광역시", "Ulsan Metropolitan City", "Ulsan"),
}
# One line per district: code, Korean and English name, population (ten thousands),
# postal codes, real road names.
DISTRICTS = {
    "6110000": """
        3000000 종로구 Jongno-gu 14 03000-03199 세종대로 종로 율곡로 자하문로 창경궁로 대학로 삼일대로
        3010000 중구 Jung-gu 12 04500-04699 을지로 퇴계로 남대문로 다산로 소공로
        3020000 용산구 Yongsan-gu 21 04300-04499 이태원로 한강대로 녹사평대로 원효로 청파로
        3030000 성동구 Seongdong-gu 28 04700-04899 왕십리로 성수일로 뚝섬로 아차산로 고산자로
        3040000 광진구 Gwangjin-gu 34 04900-05099 능동로 천호대로 자양로 광나루로
        3050000 동대문구 Dongdaemun-gu 34 02400-02699 왕산로 망우로 답십리로 회기로
        3060000 중랑구 Jungnang-gu 38 02000-02199 망우로 면목로 동일로 상봉로
        3070000 성북구 Seongbuk-gu 43 02700-02999 보문로 동소문로 정릉로 화랑로
        3080000 강북구 Gangbuk-gu 29 01000-01299 도봉로 삼양로 솔매로 수유로
        3090000 도봉구 Dobong-gu 31 01300-01499 도봉로 방학로 노해로 마들로
        3100000 노원구 Nowon-gu 50 01600-01999 동일로 노원로 상계로 공릉로
        3110000 은평구 Eunpyeong-gu 47 03300-03599 통일로 연서로 은평로 진관2로
        3120000 서대문구 Seodaemun-gu 31 03600-03799 연세로 신촌로 통일로 독립문로
        3130000 마포구 Mapo-gu 37 03900-04299 월드컵로 양화로 마포대로 독막로 와우산로
        3140000 양천구 Yangcheon-gu 44 07900-08199 목동로 오목로 신월로 남부순환로
        3150000 강서구 Gangseo-gu 56 07500-07899 공항대로 강서로 화곡로 양천로
        3160000 구로구 Guro-gu 40 08200-08499 구로중앙로 디지털로 경인로 개봉로
        3170000 금천구 Geumcheon-gu 23 08500-08699 시흥대로 독산로 가산디지털1로
        3180000 영등포구 Yeongdeungpo-gu 37 07200-07499 여의대로 국제금융로 영등포로 당산로
        3190000 동작구 Dongjak-gu 38 06900-07199 상도로 노량진로 사당로 흑석로
        3200000 관악구 Gwanak-gu 49 08700-08899 관악로 남부순환로 봉천로 신림로
        3210000 서초구 Seocho-gu 41 06500-06899 서초대로 반포대로 강남대로 양재대로
        3220000 강남구 Gangnam-gu 54 06000-06499 테헤란로 강남대로 도산대로 언주로 봉은사로 압구정로
        3230000 송파구 Songpa-gu 66 05500-05899 올림픽로 송파대로 백제고분로 석촌호수로 오금로
        3240000 강동구 Gangdong-gu 46 05200-05499 천호대로 양재대로 성내로 고덕로
    """,
    "6260000": """
        3250000 중구 Jung-gu 4 48900-48999 중앙대로 광복로 구덕로
        3290000 부산진구 Busanjin-gu 36 47100-47399 중앙대로 서면로 가야대로 새싹로
        3300000 동래구 Dongnae-gu 27 47700-47899 충렬대로 명륜로 온천장로
        3310000 남구 Nam-gu 26 48400-48599 수영로 용호로 유엔평화로
        3320000 북구 Buk-gu 27 46500-46699 금곡대로 만덕대로 화명대로
        3330000 해운대구 Haeundae-gu 38 48000-48199 해운대로 센텀중앙로 달맞이길 좌동순환로
        3340000 사하구 Saha-gu 30 49300-49599 낙동대로 다대로 하신중앙로
    """,
    "6270000": """
        3410000 중구 Jung-gu 9 41900-41999 국채보상로 달구벌대로 동성로
        3450000 북구 Buk-gu 41 41400-41599 칠곡중앙대로 침산로 옥산로
        3460000 수성구 Suseong-gu 41 42000-42299 달구벌대로 동대구로 범어로
        3470000 달서구 Dalseo-gu 53 42600-42799 월배로 달서대로 성서공단로
    """,
    "6280000": """
        3520000 연수구 Yeonsu-gu 39 21900-22099 컨벤시아대로 송도과학로 함박뫼로
        3530000 남동구 Namdong-gu 50 21500-21699 구월로 인주대로 남동대로
        3540000 부평구 Bupyeong-gu 48 21300-21499 부평대로 경원대로 길주로
        3560000 서구 Seo-gu 60 22600-22899 청라대로 서곶로 봉오대로
    """,
    "6290000": """
        3600000 서구 Seo-gu 28 61900-62099 상무대로 무진대로 상무중앙로
        3620000 북구 Buk-gu 41 61000-61299 서암대로 우치로 북문대로
        3630000 광산구 Gwangsan-gu 39 62200-62499 임방울대로 하남대로 첨단중앙로
    """,
    "6300000": """
        3650000 중구 Jung-gu 22 34800-35099 대종로 계룡로 중앙로
        3660000 서구 Seo-gu 46 35200-35399 둔산로 계룡로 대덕대로
        3670000 유성구 Yuseong-gu 36 34000-34299 대학로 유성대로 엑스포로
    """,
    "6310000": """
        3690000 중구 Jung-gu 21 44400-44599 태화로 번영로 종가로
        3700000 남구 Nam-gu 31 44600-44799 삼산로 번영로 문수로
    """,
}
JONGNO, GANGNAM, SEOUL, BUSAN = "3000000", "3220000", "6110000", "6260000"
GANGNAM_AREA = ("3210000", "3220000", "3230000")  # 서초구, 강남구, 송파구

# --- Names and places -------------------------------------------------------------------------

# Share of the population (%) by family name, Statistics Korea census 2015; family names
# in Faker's list but not here keep a small weight.
FAMILY_NAME_SHARE = {
    "김": 21.5, "이": 14.7, "박": 8.4, "최": 4.7, "정": 4.3, "강": 2.4, "조": 2.1, "윤": 2.1,
    "장": 2.0, "임": 1.7, "한": 1.5, "오": 1.5, "서": 1.5, "신": 1.5, "권": 1.4, "황": 1.4,
    "안": 1.4, "송": 1.3, "전": 1.3, "홍": 1.1, "유": 1.1, "고": 0.9, "문": 0.9, "양": 0.9,
    "손": 0.9, "배": 0.8, "백": 0.8, "허": 0.6, "남": 0.6, "심": 0.5, "노": 0.5, "하": 0.5,
    "곽": 0.4, "성": 0.4, "차": 0.4, "주": 0.4, "우": 0.4, "구": 0.4, "나": 0.3, "민": 0.3,
    "진": 0.3, "지": 0.3, "엄": 0.3, "류": 0.3,
}  # fmt: skip
# Given names that were popular before 1970 and after 1995 (the rest are in between).
ERA_NAMES = {
    "old": set("경자 명자 숙자 순자 영자 옥자 춘자 정자 순옥 옥순 영순 정순 영숙 명숙 경숙 정숙 현숙 "
               "영희 정희 경희 미숙 영수 영식 영길 영일 영철 영호 영환 영진 정남 정수 정식 정웅 종수 "
               "중수 광수 경수 병철 상철 성수".split()),
    "young": set("서연 서윤 지우 하윤 하은 민서 윤서 채원 지아 은서 예은 예원 수빈 지민 민준 서준 도윤 "
                 "예준 시우 주원 지후 준서 건우 도현 우진 현준 지훈 승민 승현".split()),
}  # fmt: skip
APARTMENT_BRANDS = (
    "래미안", "자이", "힐스테이트", "푸르지오", "아이파크",
    "롯데캐슬", "더샵", "현대아파트", "주공아파트", "한신아파트",
)  # fmt: skip
SMALL_BUSINESS_KINDS = (
    "식당", "분식", "커피", "베이커리", "약국", "부동산", "미용실", "세탁소", "학원", "꽃집", "철물",
    "인테리어", "치킨", "정육점", "문구", "안경원", "편의점", "한의원", "세무회계", "상사",
)  # fmt: skip
CORPORATE_SUFFIXES = (
    "개발", "그룹", "기술", "기획", "네트웍스", "랩스", "바이오", "상사", "소프트", "솔루션", "시스템즈",
    "에너지", "엔지니어링", "유통", "전자", "정보통신", "제조", "테크", "물산", "건설",
)  # fmt: skip
# (WMI, VDS stem, plant code, model name, for businesses)
VEHICLE_MODELS = (
    ("KMH", "DH41", "U", "Avante", False),
    ("KMH", "E341", "A", "Sonata", False),
    ("KMH", "G341", "A", "Grandeur", False),
    ("KMH", "S381", "U", "Santa Fe", False),
    ("KMH", "J381", "U", "Tucson", False),
    ("KMH", "AB81", "U", "Casper", False),
    ("KNA", "G411", "5", "K5", False),
    ("KNA", "F411", "5", "K3", False),
    ("KNA", "PC81", "5", "Sorento", False),
    ("KNA", "MB81", "S", "Carnival", False),
    ("KNA", "BK81", "S", "Morning", False),
    ("KNA", "JE81", "S", "Ray", False),
    ("KMH", "GN41", "U", "Genesis G80", False),
    ("KPT", "A0A1", "P", "Torres", False),
    ("KNM", "A4C1", "B", "QM6", False),
    ("KLA", "JA69", "B", "Trax", False),
    ("KMF", "WB1B", "J", "Porter II", True),
    ("KNC", "SE21", "7", "Bongo III", True),
    ("KMJ", "WA7M", "J", "Staria", True),
)
PRIVATE_VEHICLE_MODELS = tuple(model for model in VEHICLE_MODELS if not model[4])
PRIVATE_PLATE_LETTERS = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주"
COMMERCIAL_PLATE_LETTERS = "바사아자"
RENTAL_PLATE_LETTERS = "하허호"
THREE_DIGIT_PLATES_FROM = dt.date(2019, 9, 1)
VIN_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 1980 is A, repeating every 30 years

HOUSEHOLD_KINDS = ("single", "couple", "family", "single_parent", "three_generation")
HOUSEHOLD_WEIGHTS = (35, 20, 30, 9, 4)  # Statistics Korea 2023: a third live alone
BUSINESS_SHARE, VEHICLE_SHARE, SECOND_VEHICLE_SHARE = 0.05, 0.30, 0.10

_FAMILY_ACT = "가족관계의 등록 등에 관한 법률 (Family Relationship Registration Act)"
_VAT_ACT = "부가가치세법 제8조 (VAT Act art. 8)"
_VEHICLE_ACT = "자동차관리법 (Motor Vehicle Management Act)"
WHY = {
    "birth": ("출생신고 (birth report)", f"{_FAMILY_ACT} art. 44"),
    "registration": ("주민등록 (registration)", "주민등록법 제8조 (Resident Registration Act art. 8)"),
    "marriage": ("혼인신고 (marriage report)", "민법 제812조 (Civil Act art. 812)"),
    "death": ("사망신고 (death report)", f"{_FAMILY_ACT} art. 84"),
    "move": ("전입신고 (move-in report)", "주민등록법 제16조 (Resident Registration Act art. 16)"),
    "opened": ("사업자등록 신청 (application for registration)", _VAT_ACT),
    "suspended": ("휴업신고 (suspension report)", _VAT_ACT),
    "closed": ("폐업신고 (closure report)", _VAT_ACT),
    "vehicle_registration": ("신규등록 (new registration)", f"{_VEHICLE_ACT} art. 8"),
    "transfer": ("이전등록 (transfer of ownership)", f"{_VEHICLE_ACT} art. 12"),
}
