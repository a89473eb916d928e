"""Welsh phrasings, for letters written in Welsh: restorative guidance for the writer, and
threats and contact outside the service for the reviewer.

Matched on the folded letter (lower case, plain apostrophes), like the English rules. Welsh
mutates the start of words after some words ("fy mai", "dy fai", "ei bai"), and spoken Welsh
shortens a great deal ("ro'n i", "o'n i", "dw i", "wi"), so each phrase allows its common
forms. These are families of phrasings, not a list of examples; a Welsh-speaking facilitator
should review them with the service's own letters.
"""

from __future__ import annotations

# "I was", "I am": roeddwn i, ro'n i, o'n i; rydw i, dw i, wi
_I_WAS = r"(?:roeddwn\s+i|ro'n\s+i|o'n\s+i|roedden\s+i)"
_YOU_WERE = r"(?:roeddet\s+ti|ro't\s+ti|o't\s+ti|roeddech\s+chi|o'ch\s+chi)"
_YOUR_FAULT = r"(?:dy\s+fai\s+di|eich\s+bai\s+chi|dy\s+fai\s+dy\s+hun|eich\s+bai\s+eich\s+hun)"
_YOU = r"(?:ti|chi|di)"

# Asking to be forgiven: "maddau i mi", "wnei di faddau i mi?", "gofyn am dy faddeuant"
FORGIVENESS = (
    r"\b(?:(?:plis\s+|os\s+gwelwch\s+yn\s+dda\s+)?maddau(?:wch)?\s+i\s+(?:mi|fi)"
    r"|madde\s+i\s+(?:mi|fi)"
    r"|(?:a\s+)?(?:wnei|wnewch|allet|allech|alli|allwch|fyddi|fyddwch)\s+(?:di|ti|chi)\s+(?:byth\s+)?faddau"
    r"|gobeithio\s+(?:y\s+)?(?:gwnei|gwnewch|galli|gallwch|byddi|byddwch|wnei|wnewch|allwch)\s+"
    r"(?:di\s+|ti\s+|chi\s+)?(?:\w+\s+)?faddau"
    r"|(?:am|eisiau|isio|angen|gofyn\s+am|erfyn\s+am)\s+(?:dy|eich)\s+maddeuant)\b"
)

# Excuses: "ro'n i wedi meddwi", "nid fy mai i oedd e", "doedd gen i ddim dewis"
EXCUSE = (
    rf"\b(?:{_I_WAS}(?:'n|\s+yn)?\s+(?:wedi\s+meddwi|feddw|wedi\s+cymryd\s+cyffuriau|wedi\s+bod\s+yn\s+yfed)"
    r"|nid\s+(?:fy\s+mai\s+i|arna\s+i\s+(?:oedd|mae)\s+y\s+bai)"
    r"|(?:doedd|nid\s+oedd|dyw|nid\s+yw)\s+(?:e|o|hi)\s+ddim\s+(?:wir\s+)?(?:yn\s+)?fai\s+arna\s+i"
    r"|(?:doedd|nid\s+oedd)\s+gen\s+i\s+ddim\s+dewis|(?:doedd|nid\s+oedd)\s+dim\s+dewis\s+(?:gyda|gen)\s+(?:fi|i)"
    r"|(?:y\s+ddiod|y\s+cyffuriau|yr\s+alcohol)\s+(?:wnaeth|a\s+wnaeth|oedd\s+yn\s+gwneud)\s+i\s+(?:mi|fi))\b"
)

# Minimising: "dim ond bag oedd e", "doedd neb wedi brifo", "doedd e ddim mor ddrwg â hynny"
MINIMISING = (
    r"\b(?:dim\s+ond\s+(?:bag|arian|pethau|peth|ychydig|unwaith|tipyn|ffenest|car|ffôn|ffon|£|\d)"
    r"|(?:doedd|nid\s+oedd|chafodd|does|nid\s+oes)\s+neb\s+(?:wedi\s+)?(?:cael\s+)?(?:ei\s+)?"
    r"(?:brifo|frifo|anafu|niweidio)"
    r"|(?:doedd|nid\s+oedd|dyw|dydy)\s+(?:e|o|hi|hynny)\s+ddim\s+(?:mor|yn)\s+ddrwg"
    r"|dim\s+byd\s+mawr|dim\s+niwed\s+(?:wedi\s+(?:ei|'i)\s+wneud|go\s+iawn))\b"
)

# Blame: "dy fai di oedd e", "os na fyddet ti wedi", "ddylet ti ddim fod wedi"
BLAME = (
    rf"\b(?:{_YOUR_FAULT}|arnat\s+ti\s+(?:oedd|mae)\s+y\s+bai|arnoch\s+chi\s+(?:oedd|mae)\s+y\s+bai"
    r"|os\s+na\s+(?:fyddet|fyddech|baet|baech)\s+(?:ti|chi)\s+wedi"
    r"|(?:pe|petai|petaet|petaech)\s+(?:ti|chi)\s+(?:heb|ddim\s+wedi)"
    r"|(?:ddylet|ddylech)\s+(?:ti|chi)\s+ddim\s+(?:fod\s+)?(?:wedi|bod)"
    rf"|{_YOU_WERE}\s+(?:yn\s+)?(?:gofyn\s+amdani|haeddu\s+hyn)"
    r"|(?:ti|chi)\s+(?:ddechreuodd|a\s+ddechreuodd)\s+(?:y\s+peth|hyn|e|o))\b"
)

# Pressing for a reply or a meeting: "mae'n rhaid i ti ateb", "mae arnat ti ateb i mi", "paid â'm hanwybyddu"
PRESSURE = (
    # "does dim rhaid i chi ateb" (you need not answer) is the opposite of pressure
    r"\b(?:(?<!dim\s)(?<!oes\s)rhaid\s+i\s+(?:ti|chi)\s+(?:f?ateb|ysgrifennu\s+(?:yn\s+)?ôl|sgwennu\s+(?:yn\s+)?ôl"
    r"|gwrdd|nghwrdd|ngweld|cwrdd)"
    r"|mae\s+(?:arnat\s+ti|arnoch\s+chi)\s+(?:ateb|ymddiheuriad|esboniad)"
    r"|(?:paid|peidiwch)\s+(?:â|a)\s*(?:'m|fy)\s+(?:h?anwybyddu|anwybyddu)"
    r"|(?:pam|pam\s+nad)\s+(?:wyt|ydych|dwyt|dydych)\s+(?:ti|chi)\s+(?:ddim\s+)?(?:wedi\s+)?(?:ateb|f?ateb|ysgrifennu)"
    r"|(?:atebwch|ateba)\s+(?:cyn\s+gynted|yn\s+syth|ar\s+unwaith))\b"
)

# Threats and contact outside the service, as (phrasing, words that must come just before it)
# pairs: each phrasing starts with fixed letters, so re can jump between its places in a long
# letter, and the words before it (a pronoun, "mi wna i") are checked only where it occurs.
_PRONOUN_KNOWS = r"\b(?:dw\s+i|rydw\s+i|wi|rwy|rydyn\s+ni|dyn\s+ni|ni|maen\s+nhw|mae\s+(?:fy|'n)\s+\w+)(?:'n|\s+yn)\s+"
_YOU_WILL = rf"\b(?:fe\s+|mi\s+)?(?:fyddi|byddi|fyddwch|byddwch)\s+{_YOU}(?:'n|\s+yn)\s+"
_COME = r"(?:'?ngweld\s+i|fy\s+ngweld|gwrdd\s+(?:â|a)\s+fi|weld\s+fi|'r\s+tŷ|'r\s+ty)\b"

# "dw i'n gwybod lle ti'n byw", "gwylia dy gefn", "fe fyddi di'n difaru"
THREATS: tuple[tuple[str, str | None], ...] = (
    (
        r"gwybod\s+(?:lle|ble)\s+(?:wyt\s+ti'n|rwyt\s+ti'n|ti'n|ych\s+chi'n|rydych\s+chi'n|mae\s+dy\s+\w+)"
        r"\s+(?:byw|gweithio|aros|mynd)\b",
        _PRONOUN_KNOWS,
    ),
    (r"gwyli(?:a\s+dy|wch\s+eich)\s+gefn\b", None),
    (r"(?:difaru|edifar|talu\s+am\s+hyn)\b", _YOU_WILL),
    (r"ar\s+(?:dy|eich)\s+ôl\b", r"\b(?:fe\s+|mi\s+)?(?:ddof|ddo)\s+i\s+"),
    (
        r"(?:ladd|frifo|brifo|gael|sortio)\b",
        r"\b(?:mi\s+wna\s+i|fe\s+wna\s+i|dw\s+i'n\s+mynd\s+i)\s+(?:dy|eich)\s+",
    ),
    (r"ca(?:u|ea)\s+dy\s+geg\b", None),
    (r"ddweud\s+wrth\s+(?:unrhyw\s+un|yr\s+heddlu)\b", r"\bos\s+(?:wnei|wnewch)\s+(?:di|chi)\s+"),
)

# "ffonia fi ar", "tecstia fi", "dere i 'ngweld i", "cwrdd â fi", "heb yr hwylusydd"
CONTACT: tuple[tuple[str, str | None], ...] = (
    (r"ffoni(?:a|wch)\s+(?:fi|i)\b", None),
    (r"tecsti(?:a|wch)\s+(?:fi|i)\b", None),
    (r"e-?bosti(?:a|wch)\s+(?:fi|i)\b", None),
    (r"negesa\s+(?:fi|i)\b", None),
    (r"cysyllt(?:a|wch)\s+(?:â|a)\s+fi\b", None),
    (r"anfon(?:a|wch)?\s+neges\s+(?:ata\s+i|i\s+fi)\b", None),
    (r"d(?:ere|ewch|owch)\s+i\s+" + _COME, None),
    (r"tyrd\s+i\s+" + _COME, None),
    (r"gwrdd\b", r"\b(?:gawn\s+ni|awn\s+ni\s+i)\s+"),
    (r"cwrdd\s+(?:â|a)\s+fi\b", None),
    (r"rhif\s+(?:ffôn\s+|ffon\s+)?(?:i\s+)?(?:yw|ydy)\b", r"\bfy\s+"),
    (r"dyma\s+fy\s+rhif\b", None),
    # leaving the service out: "yn lle mynd drwy'r hwylusydd", "heb yr hwylusydd", "yn uniongyrchol"
    (r"(?:drwy|trwy)(?:'r|\s+yr?)?\s+(?:hwylusydd|gwasanaeth)\b", r"\byn\s+lle\s+mynd\s+"),
    (r"heb(?:\s+yr?|\s+i'r)?\s+(?:hwylusydd|gwasanaeth)\s+(?:wybod|weld|ddarllen|yn\s+y\s+canol)\b", None),
    (r"uniongyrchol\b", r"\b(?:ysgrifennu|ffonio|siarad|cysylltu|sgwennu)\s+(?:\w+(?:'n|\s+yn)|yn)\s+"),
)

# Addresses and dates of birth, as Welsh writes them.
STREET_TYPE = (
    r"(?:Heol|Ffordd|Stryd|Lôn|Lon|Rhodfa|Cilgant|Clos|Maes|Teras|Cwrt|Llwyn|Parc|Ystad|Sgwâr|Sgwar"
    r"|Rhes|Allt|Gerddi|Tai|Bron|Pen|Cae|Ffordd-y|Heol-y)"
)
MONTHS = r"(?:ionawr|chwefror|mawrth|ebrill|mai|mehefin|gorffennaf|awst|medi|hydref|tachwedd|rhagfyr)"
BORN = (
    r"(?:dyddiad|nyddiad|ddyddiad)\s+geni"
    r"|(?:fe'?m\s+|fe'?i\s+|cafodd\s+\w+\s+ei\s+)?ganwyd"
    r"|(?:fy|ei|eu)\s+(?:ngeni|geni|eni|hgeni)"
)
BORN_ANCHORS = ("geni", "ganwyd", "ngeni", "eni")
