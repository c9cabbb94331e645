"""The portal's themes (CKAN groups), after data.go.kr's classification (분류체계); stored on
Theme rows with both titles when a feed first names one."""

THEMES = {
    "public-administration": ("일반공공행정", "General public administration"),
    "finance": ("재정·금융", "Public finance"),
    "industry": ("산업·통상·중소기업", "Industry, trade and SMEs"),
    "society": ("사회복지", "Social welfare"),
    "transport": ("교통및물류", "Transport and logistics"),
    "procurement": ("공공조달", "Public procurement"),
    "participation": ("국민참여", "Citizen participation"),
}
