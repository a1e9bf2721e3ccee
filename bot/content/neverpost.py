"""Never-post rules: sentences that describe the event rather than say something, named so `bot findings --all`
can say why a sentence lost.

A session report mixes what was said with how the event went: who spoke and in what capacity, who sat on the
panel, what came next, a story told to illustrate, how many attended, thanks, logistics, and remarks about the
discussion itself. Those sentences often contain finding-like words ("stressed", "recommended", "concern") —
inside a speaker's introduction or an anecdote — so cue words cannot tell them apart; their *shape* can. Each
rule below is a small set of patterns for one shape, in English and Japanese, checked in a fixed order; the
first that matches names the rule. Deterministic, offline, no model.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
_ORDINAL = r"(?:first|second|third|fourth|fifth|final|last|next|closing|opening|keynote)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_PEOPLE = (
    r"(?:participants|delegates|attendees|people|guests|students|members|engineers|experts|officials|"
    r"representatives|practitioners|researchers|mayors|diplomats|speakers|panellists|panelists)"
)
_EVENT = (
    r"(?:dialogue|roundtable|round table|session|webinar|symposium|seminar|conference|forum|workshop|lecture|"
    r"event|summit|meeting|congress|colloquium|panel|debate|series|conversation|briefing|hearing)"
)
_NUMBER = r"(?:\d[\d,]*|dozens|hundreds|a dozen|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty)"

# (rule name, English patterns). Order matters: the first rule that matches names the sentence.
_RULES_EN: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "thanks/logistics",
        re.compile(
            r"\b(?:thank(?:ed|s|ing)?|grateful to|gratitude to|with thanks)\b|\brecording\b|\bwas recorded\b|"
            r"\bslides\b|\bavailable (?:to watch|online|on (?:the|our))\b|\bwill be (?:shared|posted|circulated|"
            r"published|available)\b|\bsupported in part by\b|\b(?:generous|financial) support\b|\breception\b|"
            r"\bChatham House Rule\b|\bregistered participants\b|\b(?:is|are|was|were) grateful\b|\bon (?:the|our|its) "
            r"website\b|\b(?:video|podcast|transcript|summary|recording|slides) (?:is|are|will be) available\b|"
            r"\brefreshments\b|\b(?:sponsored|funded|co-hosted|co-organi[sz]ed) by\b|\bin partnership with\b|"
            r"\bvia (?:video ?link|zoom|teams)\b|\bregistration\b|\blivestream(?:ed)?\b|\bhybrid format\b|"
            r"^The (?:event|session|meeting|webinar|seminar|dialogue|symposium|roundtable|workshop|conference|forum)\b"
            r"[^.]{0,40}\b(?:was|were) (?:held|conducted|streamed|broadcast|hosted|organi[sz]ed)\b",
            _I,
        ),
    ),
    (
        "speaker introduction",
        re.compile(
            rf"^(?:first|next|then|last|finally)?,?\s*to speak\b|\b(?:spoke|speaking) (?:first|next|last)\b|"
            rf"^(?:the |our )?{_ORDINAL} (?:speaker|panell?ist|presenter|discussant)s?(?:,| was\b| is\b)|"
            r"\bwho has (?:led|served|worked|spent|written|headed|directed)\b|"
            r"\bbegan by (?:describing|recalling|introducing|thanking|telling|sharing|explaining who)\b|"
            r"\b(?:keynote|address|presentation|remarks|lecture) (?:was|were) (?:delivered|given|made) by\b|"
            r"^In (?:his|her|their) (?:keynote|opening|welcome|welcoming|introductory)\b|"
            r"\bintroduc(?:ed|ing) the (?:speakers|panel\w*|report|session|topic)\b|"
            r"\bwelcomed (?:the )?(?:guests|participants|the audience|delegates|everyone)\b|"
            r"^Speaking (?:on behalf of|for)\b|\bopening the (?:debate|session|discussion|meeting)\b|"
            r"\bdescribed (?:himself|herself|themselves) as\b|\bat the outset\b|\bpersonal capacity\b|"
            r"\bdrawing on (?:his|her|their) (?:years|experience|time|work)\b|"
            r"\bshared (?:his|her|their) (?:own )?(?:story|experience|journey)\b|\bwished first to\b|"
            r", who (?:began|opened|prefaced|started) (?:by|with|his|her|their)\b|"
            r"\b(?:began|opened|prefaced) (?:his|her|their) (?:remarks|talk|presentation|address)\b|"
            r"^Moderator\b|^Opening the\b|^Presenting (?:the|his|her|their)\b|\b(?:is|was) the author of\b|"
            r"\bhas written (?:widely|extensively)\b|\bin (?:his|her|their) capacity as\b|\bintroduced (?:himself|"
            r"herself|"
            r"themselves)\b|"
            r"\b(?:delivered|gave) (?:the|a|an|his|her|their) (?:keynote|address|speech|lecture|opening|welcome)\b|"
            r"\bpresented (?:his|her|their) (?:own )?(?:research|findings|work|paper|study|book|report)\b|"
            r"\b(?:spoke|reported) on behalf of\b|\bwas invited to (?:speak|present|open|address)\b|"
            r"\bjoined (?:the (?:panel|session|discussion) )?(?:by video|remotely|online)\b|"
            r"\baddressed the (?:\w+ )?(?:forum|meeting|session|audience|conference|"
            r"committee|board|assembly|council|dialogue|symposium)\b|\bopened by asking\b|\bwho asked (?:the|each|"
            r"all)\b",
            _I,
        ),
    ),
    (
        # "Dr Lim presented findings from a survey." / "The drainage consultant, Mr Dhillon, spoke about …": a
        # speaker and a topic, no claim (a "that"-clause or a modal would make it one).
        "speaker and topic, no claim",
        re.compile(
            r"^(?:[\w'’.&-]+ ){0,5}?[\w'’.-]+(?:, [^,]{3,90},)? (?:then |also |first |"
            r"briefly )?(?:presented|described|spoke (?:about|on)|explained|summari[sz]ed|outlined|reviewed|"
            r"introduced|opened|gave an overview of|walked (?:the audience|participants) through)\b"
            r"(?![^.]*\b(?:that|should|must|need|needs|warned|argued|cannot|will)\b)"
        ),
    ),
    (
        "moderator action",
        re.compile(
            r"\b(?:invited|asked) (?:the |each |all |every )?(?:other )?(?:panell?ists?|speakers?|participants|"
            r"audience|"
            r"floor|discussants?)\b|\bposed (?:a|the) (?:first |final )?question\b|\bturned to the (?:audience|"
            r"floor)\b|"
            r"\bgave the floor\b|\bwho moderated\b",
            _I,
        ),
    ),
    (
        "panel line-up",
        re.compile(
            r"^(?:the )?panel (?:included|comprised|consisted|featured|was made up)\b|"
            r"\bbrought together (?:a|an|\d|two|three|four|five|six|experts|speakers|panell?ists|scholars)\b|"
            r"^Also (?:speaking|briefing|participating|present|on the panel)\b|^On the panel (?:were|was)\b|"
            r"\bheard (?:statements|presentations|briefings|from)\b|\bheard from (?:the )?representatives?\b|"
            r"\ba panel of (?:\w+ )?(?:experts|speakers|panell?ists|scholars)\b|"
            r"\bshared (?:their|his|her) (?:perspectives|views|insights)\s*[.]?$|"
            r"\b(?:was|were) joined by\b|^(?:The )?(?:speakers|panell?ists|discussants|presenters) (?:were|included|"
            r"comprised)\b|"
            r"^The (?:panel|session|webinar|event|discussion) featured\b|\bfeatured (?:speakers|experts|panell?ists)\b",
            _I,
        ),
    ),
    (
        "attendance",
        re.compile(
            rf"\b(?:drew|drawn|gathered|attracted|welcomed|brought together)\b[^.]{{0,40}}?\b{_NUMBER}\b|"
            rf"\b{_NUMBER}\s+(?:\S+\s+){{0,2}}{_PEOPLE}\s+(?:registered|attended|took part|joined|were present)\b|"
            rf"\b{_NUMBER}\s+(?:\S+\s+){{0,3}}(?:from|representing)\s+(?:some |more than |over )?{_NUMBER}\s+"
            rf"(?:countries|organi[sz]ations|institutions|universities|companies|economies)\b|\bin attendance\b|"
            rf"\baudience of\b|\b(?:packed|full) (?:room|hall|house|auditorium)\b|"
            rf"\bonline and in person\b|\b(?:around|about|some|more than|over|nearly|almost) {_NUMBER} {_PEOPLE}\b|"
            rf"^(?:The |All )?{_NUMBER}\s+(?:\S+\s+)?{_PEOPLE}\s+(?:included|came|represented|were)\b|"
            rf"^Around the table were\b|^Among the {_NUMBER}\b|\b(?:attended|attendance) (?:by|of)\b",
            _I,
        ),
    ),
    (
        "agenda/transition",
        re.compile(
            rf"^(?:The|This|That) (?:\w+ )?(?:session|discussion|panel|debate|conversation|programme|program|"
            rf"meeting) (?:then )?(?:turned|moved|shifted) to\b|"
            rf"\b(?:continues|concludes|reconvenes|resumes|closes)\b (?:on |at |with |tomorrow|next|{_WEEKDAY})|"
            rf"\bwill (?:meet|reconvene|resume|continue) (?:again|on|at|tomorrow|next)\b|"
            rf"^The (?:programme|program|agenda) (?:consisted|included|comprised|featured)\b|"
            rf"\b(?:held|hosted|convened|organi[sz]ed|co-organi[sz]ed)\b (?:its|their|a|an|the|our)\b[^.]{{0,80}}"
            rf"\b{_EVENT}s?\b|\b{_EVENT}s? took place\b|\bhad before it\b|"
            rf"^On (?:\d{{1,2}} {_MONTH}|{_MONTH} \d{{1,2}})\b[^.]*\b(?:received|met|hosted|held|visited|welcomed)\b|"
            rf"\b(?:concluded|closed|ended|opened|began) with (?:an? |the )?(?:exchange of gifts|photo|photograph|"
            rf"reception|lunch|dinner|ceremony|signing)|"
            rf"\blook(?:ed|s)? forward to (?:meeting|seeing|welcoming|the next)\b|\bin (?:close )?touch\b|"
            rf"\bagreed to (?:continue to |further )?(?:work|coordinate|cooperate|communicate) closely\b|"
            rf"\bthe (?:\w+ )?(?:event|{_EVENT}) (?:in|of) (?:this|the|our) (?:year's )?\w*\s*(?:series|programme)\b|"
            rf"^(?:What follows|Below) is\b|^(?:The )?discussion (?:then )?(?:focused|centred|centered) on\b|"
            rf"\b(?:was|were) devoted to\b|\bopened with (?:a|an|the) (?:review|overview|presentation|keynote|round)\b|"
            rf"\bspoke (?:with|by (?:tele)?phone (?:with|to))\b|\bopened the floor\b|\bagenda item\b|"
            rf"\bwill be held\b|\bis scheduled (?:for|to)\b|"
            rf"\bthe next (?:meeting|session|dialogue|round|edition|webinar|event)\b|"
            rf"^(?:The|This) (?:report|summary|note|readout|article) (?:summari[sz]es|records|covers|sets out)\b|"
            rf"^The (?:\w+ )?(?:session|panel|part|segment|half) (?:focused on|was devoted to|dealt with|addressed|"
            rf"examined|looked at|considered|covered|explored)\b|\bturned (?:its|their) attention\b|"
            rf"^The (?:event|meeting|session|dialogue|webinar|symposium|forum) (?:opened|began|ended|closed|"
            rf"was opened)\b|\bis held under the (?:theme|title|banner)\b",
            _I,
        ),
    ),
    ("transition", re.compile(r"\b(?:was|were) followed by\b", _I)),
    (
        "anecdote/example",
        re.compile(
            r"^For (?:example|instance)\b|,\s*for (?:example|instance),|\bas an example\b|"
            r"\brecalled (?:a|an|one|his|her|their|how|the (?:day|time|moment)|that (?:in|on|during|when|once)\b)|"
            r"\btold (?:the (?:audience|committee|board|meeting|room|participants)|us|him|her|them)\b|"
            r"\b(?:described|mentioned|pointed to|recounted|showed|told of|shared)\s+(?:a|an|one|the)\s+(?:\w+\s+)?"
            r"(?:town|village|city|family|farmer|man|woman|case|visit|pilot|trip|incident|moment|photograph|story|"
            r"day|night|encounter|conversation|patient|worker|child|school|journey)\b|\bthe story of\b|"
            r"\b(?:described|mentioned|recalled|told of)\s+(?:a|an|one)\s+\w+(?:\s+[\w-]+)?\s+(?:\w+\s+)?who\b|"
            r"\brecalled that (?:a|an|one)\b|\brecalled \w+ing\b|\btold reporters\b|\bone of (?:his|her|their|our) \w+|"
            r"\b(?:described|told of|mentioned) (?:a|an|one) (?:young|retired|former|local|single|elderly)\b|"
            r"\b(?:described|recalled) (?:paying|being|having|losing|finding|meeting|visiting|working|seeing)\b|"
            r"\b(?:his|her|their) (?:own )?(?:story|visit|trip|expedition)\b|"
            r"\bin (?:his|her|their) words\b|\btold (?:a|the) story\b|\bpersonal (?:experience|story|anecdote)\b|"
            r"\bwhen (?:he|she) was (?:a|an|young|working|still)\b|\bto illustrate\b|\billustrated (?:this|the point|"
            r"his|her|their)\b|"
            r"\banecdote\b|\bjoked\b|\bquipped\b|\blaughter\b|\b(?:his|her|their) (?:grandmother|grandfather|"
            r"father|mother|family|childhood|village|hometown)\b|\bonce told\b|\bon (?:his|her|their) (?:last|first|"
            r"recent) "
            r"(?:visit|trip|expedition|mission)\b",
            _I,
        ),
    ),
    (
        "meta-discussion",
        re.compile(
            r"^Questions from the floor\b|\bquestion-and-answer\b|\bQ ?& ?A\b|\bapplause\b|\b(?:became|was|grew) "
            r"(?:heated|lively|animated|candid|intense)\b|\bgenerated the (?:longest|liveliest|most)\b|"
            r"\bexchanged views on\b|\b(?:discussion|exchange|conversation|debate)s? (?:that )?(?:followed|ensued)\b|"
            r"\bensued\b|\bat times\b|\b(?:took|answered|fielded) questions\b|\bshow of hands\b|"
            r"\b(?:summed|wrapped) up\b|\b(?:spirited|lively|frank|robust|rich|wide-ranging|open|constructive|fruitful|"
            r"productive|interactive|animated|candid|intense) (?:discussion|exchange|debate|dialogue|conversation)s?\b|"
            r"\bparticipants (?:discussed|debated|exchanged|raised)\b|\b(?:a number of|several|many) questions\b|"
            r"\b(?:raised|asked) (?:questions|a question)\b|\b(?:responded|replied) to (?:questions|comments)\b|"
            r"\bthe (?:discussion|debate|conversation) (?:covered|touched on|ranged)\b|\btouched (?:on|upon)\b|"
            r"\btopics (?:discussed|raised|included|ranged)\b|\bkept the panel\b|\bopinions (?:\w+ ){0,3}differed\b|"
            r"\bno (?:statement|view|remark)s? "
            r"(?:is|are) attributed\b|\bdo not (?:necessarily )?(?:represent|reflect) the (?:position|views?)\b|"
            r"\b(?:was|were) (?:moving|sobering|frank|candid|lively|heated|wide-ranging)\b|"
            r"\bthe discussions? (?:had been|was|were) (?:the most|very|remarkably|unusually)\b",
            _I,
        ),
    ),
    (
        "pleasantries",
        re.compile(
            r"\bcongratulat\w+\b|\bexpressed (?:his|her|their) (?:appreciation|gratitude|condolences)\b|"
            r"\bwelcomed (?:the|his|her) (?:guests?|counterpart|visit)\b|\bwarm(?:ly)? welcome\b|\bpaid tribute\b|"
            r"\bgood wishes\b|\b(?:honou?red|delighted|pleased) to (?:welcome|host|be|join)\b|\bit was a pleasure\b|"
            r"\bexpressed (?:his|her|their) (?:sympathy|condolences)\b|\b(?:friendly|cordial|warm) atmosphere\b|"
            r"\bexchanged greetings\b|\bwarmly (?:welcomed|greeted)\b|\bpraised the (?:professionalism|hospitality|"
            r"organi[sz]ers|organi[sz]ation|efforts of)\b|\bexpressed (?:his|her|their) (?:deep |sincere )?gratitude\b",
            _I,
        ),
    ),
)
# The occasion around the talk, in the phrasings officials and event pages use. Each rule reads a sentence's
# shape (who does what to whom), not a single cue word, so "expressed concern that …" or "agreed that …" stay
# findings while "expressed deep respect for …" and "agreed to hold the next round in …" do not.
# Checked after the rules above, so a sentence those already name keeps its name.
_COURTESY = r"(?:respect|appreciation|gratitude|admiration|greetings|regards|esteem|best wishes)"
_OCCASION_EN: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        # Officials' courtesies: a courtesy verb whose object is a sentiment, a welcome for the visitors, or a
        # hope about the visit itself.
        "courtesies",
        re.compile(
            rf"\b(?:express|convey|extend|voice|offer)(?:ed|ing)\s+(?:(?:his|her|their|its|the|a|an)\s+)?"
            rf"(?:[\w-]+'s\s+)?(?:(?:deep|deepest|sincere|great|heartfelt|warm|warmest|profound|high|special)\s+)*"
            rf"{_COURTESY}\b|"
            r"\bwelcomed the (?:\w+ )?(?:delegations?|visitors?|new members|minister|ambassador)\b(?!['’])|"
            r"\bhope that [^.]*\bvisit\b|\bthe first of many\b|\bextended (?:an|the|his|her|their) invitation\b|"
            r"\bwished (?:\w+ ){0,3}(?:success|fruitful|a (?:safe|pleasant))\b",
            _I,
        ),
    ),
    (
        # Decisions about the next meeting: where and when the parties will meet again, not what they decided.
        "next meeting",
        re.compile(
            rf"\b(?:agreed|decided|will|plans?|is to|are to) (?:to )?(?:hold|convene|host) (?:its|their|the|a|an) "
            rf"(?:\w+ ){{0,2}}?(?:{_EVENT}|round|edition|consultation)s?\b|\breconven(?:e|ed|es)\b|"
            rf"\b(?:agreed|decided|promised|will) to (?:meet|talk|speak) again\b",
            _I,
        ),
    ),
    (
        # The crowd: how many came, how full the room was ("Hundreds … filled the hall", "a capacity audience").
        "crowd",
        re.compile(
            rf"\b(?:{_NUMBER}|thousands)\s+(?:of\s+)?(?:[\w'’-]+\s+){{0,5}}?(?:filled|packed|crowded into|"
            rf"crammed into)\s+(?:the\s+)?(?:(?-i:[A-Z])|(?:\w+\s+)?(?:hall|room|auditorium|venue|theatre|church|"
            rf"stadium|square|chamber)\b)|"
            rf"\bcapacity (?:audience|crowd)\b|\boverflow room\b|\bstanding room\b|\bfilled to capacity\b|"
            rf"^Every seat\b|"
            rf"^The (?:\w+ )?(?:hall|room|auditorium|venue|theatre|theater|chamber) was (?:\w+ )?(?:full|packed|"
            rf"fuller)\b|\b(?:dozens|hundreds) more (?:listened|watched|followed)\b",
            _I,
        ),
    ),
    (
        # How a speaker or chair opened or closed: "opened by saying …", "closed the session by expressing …".
        "speaker opening",
        re.compile(
            r"\b(?:opened|began|started) (?:the (?:session|meeting|evening|lecture|webinar|event|debate|discussion|"
            r"dialogue) |(?:his|her|their) (?:remarks|talk|speech) )?by (?:recalling|telling|reminding|joking|"
            r"describing|thanking|welcoming|expressing|introducing)\b|"
            # "opened by saying …" is an opening, unless what was said is a recommendation or a warning.
            r"\b(?:opened|began|started) (?:the \w+ |(?:his|her|their) \w+ )?by (?:saying|noting)\b"
            r"(?![^.]*\b(?:must|should|needs? to|cannot|will have to|urged|warned)\b)|"
            # A closing is a courtesy; "concluded by saying that …" may be the conclusion, so it is not here.
            r"\b(?:closed|ended|concluded|wrapped up) (?:the \w+ )?by (?:thanking|expressing|inviting|wishing|"
            r"reminding)\b|\b(?:was|were) introduced by\b",
            _I,
        ),
    ),
    (
        # A question from the floor: someone unnamed asked, wanted to know, pressed; whatever the question
        # contains ("should", "must"), it is the audience's question, not the session's finding.
        "question from the floor",
        re.compile(
            r"^(?:A|One|Another|The \w+) questions? from the (?:floor|audience)\b|"
            r"^(?:(?:During|In) the (?:Q ?& ?A|question[- ]and[- ]answer session|questions|interactive dialogue|"
            r"discussion)[^,]{0,30}, )?(?:a|an|one|another|several|many|some)\b(?: [\w'’-]+){0,7}? "
            r"(?:asked (?:whether|why|how|what|when|where|who|which|if|about|the (?:\w+ )?(?:panel|panell?ists?|"
            r"speakers?|minister|mayor|chair|presenters?))|wanted to know|wondered|queried|"
            r"pressed (?:the|him|her|them|\w+ (?:to|on)))\b"
            # … unless the sentence goes on to report the answer as a point ("…, and the speakers agreed that …").
            r"(?![^.]*\b(?:and|but|to which)\b[^.]*\b(?:agreed|said|replied|answered|argued|warned)\b[^.]*\bthat\b)",
            _I,
        ),
    ),
    (
        # Recollections: someone recalled a particular night, day, year or trip (the story, not the point).
        "recollection",
        re.compile(
            r"\brecall(?:ed|ing|s)? the (?:night|day|time|year|moment|morning|evening|week|summer|winter|spring|"
            r"autumn|season|storm|flood|visit)\b|\breminisc\w+",
            _I,
        ),
    ),
    (
        # The chair moving the programme along: the agenda item, the next part, the questions put to the panel.
        "chairing",
        re.compile(
            r"^(?:Moving|Turning|Passing) (?:on )?to (?:the )?(?:\w+ )?(?:item|point|part|segment|topic|question)\b|"
            r"\bmoved the (?:discussion|debate|conversation|panel) on(?: to)?\b|"
            r"\b(?:moderator|chair|chairperson|facilitator|host) (?:then |next )?(?:turned|moved|passed) (?:on )?to\b|"
            r"^After (?:a|the) (?:short |brief |coffee |tea |lunch )?break\b|"
            rf"\b{_EVENT} (?:resumed|reconvened|continued) (?:with|after)\b|"
            r"\bput (?:\w+ )?(?:audience |of the audience's )?questions? to the "
            r"(?:\w+ )?(?:panel|speakers?|panell?ists?|presenters?|minister|guests?)\b|"
            r"\bran (?:\w+ )?minutes (?:over|late)\b|"
            rf"^(?:Session|Panel|Part|Workshop|Track) [\w.-]+ (?:of the \w+ )?(?:examined|explored|addressed|"
            rf"considered|looked at|focused on|was devoted to)\b|"
            rf"\bmet (?:this|yesterday|today|on)\b[^.]*\bto (?:begin|continue|conclude|consider|hold|open)\b|"
            rf"\b(?:received|hosted|welcomed|met)\b[^.]{{0,120}}\bon \d{{1,2}} {_MONTH}\.$",
            _I,
        ),
    ),
)
# A remark about the discussion may still carry its point ("In the discussion that followed, participants
# agreed that …"): the meta-discussion and transition rules give way to a reported proposition.
_PROPOSITION = re.compile(
    r"\b(?:argued|agreed|warned|concluded|recommended|urged|suggested|called for|stressed|emphasi[sz]ed|noted|"
    r"said|insisted|cautioned)\b[^.]*?\bthat\b|\b(?:should|must|needs? to)\b",
    _I,
)
_YIELDS_TO_PROPOSITION = frozenset({"meta-discussion", "transition"})
_RULE_NAMES = {"transition": "agenda/transition"}

_RULES_JA: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "thanks/logistics",
        re.compile(r"感謝|謝意|お礼|御礼|ご参加いただ|ご来場|録画|アーカイブ|配信(され|し|予定)|資料は|後日|懇親会|共催|後援|助成を受け|支援を受けて|"
                   r"協力を得て|(開かれる|開催する|行われる|公開する)予定|てまいります|(オンライン|ハイブリッド)(形式)?(で|により)(開催|実施)"),
    ),
    (
        "speaker introduction",
        re.compile(r"登壇し|が登壇|基調講演(を|は)|(冒頭|開会)(の)?(挨拶|あいさつ)|開会にあたり|(が|は)(挨拶|あいさつ)し|自己紹介|"
                   r"として(発言|講演)|(が|は)講演を行っ|(氏|教授|大使|所長|理事長|会長)(が|は)(まず|最初に)|個人的な立場|"
                   r"について(報告|発表|講演|紹介|説明|解説)(し|を行い|を行っ)(た|ました)。$|"
                   r"をお招きし|をお迎えし|として登壇|(司会|モデレーター|コメンテーター)を務め|(開会|閉会)挨拶|挨拶があり|"
                   r"と題し(て)?(講演|報告|発表)|^第[一二三四五六七八九十\d]+(報告|講演|発表)(の|では|は)|と題し|出身である|座長(から|は|が)|議長(から|は)|"
                   r"司会"),
    ),
    (
        "panel line-up",
        re.compile(r"パネリスト(として|は以下|には|を務め)|関係者ら\d+人|が意見を交わ|登壇者(として|は以下|には)|"
                   r"専門家が(集|参加)|を迎え"),
    ),
    (
        "attendance",
        re.compile(r"\d+(名|人)(が|を超える|以上が|余りが|近くが|超が)(参加|出席|来場|集ま|登録)|(名|人)が参加|参加者は\d|来場者|"
                   r"\d+(か国|カ国|ヶ国)(・地域)?から|\d+名の(対面|オンライン|会場)?参加|参加を得て"),
    ),
    (
        "agenda/transition",
        re.compile(r"^(続いて|その後|次に|引き続き|最後に|後半は|前半は)、?|(開催|実施)(され|し)(た|ました)。$|に続き|"
                   r"(議題|テーマ)に移|次回は|再開する|閉会し|プログラムは|を主催|^本(分科会|セミナー|シンポジウム|会合|"
                   r"セッション|対話|研究会|報告|稿)(は|の)|概要をまとめた|(会談|会合|意見交換)を行(い|っ)"),
    ),
    (
        "anecdote/example",
        re.compile(r"例えば|たとえば|一例として|エピソード|思い出|(経験|話|体験|様子)を(紹介|語)|ある(町|村|企業|農家|家族)"),
    ),
    (
        "meta-discussion",
        re.compile(r"議論を交わし(た|ました)。$|意見交換を行(った|いました)。$|質問が(寄せられ|相次)|幕を(開け|閉じ)|活発な(議論|意見交換)|質疑応答|会場から(は|の)(質問|意見)|白熱|議論が交わされ|狙いは|目的は"),
    ),
    (
        "pleasantries",
        re.compile(r"祝意|歓迎の意|お祝い|歓迎する旨|夕食会|昼食会|和やかな|友好的な雰囲気|を視察|記念撮影"),
    ),
)
_OCCASION_JA: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("courtesies", re.compile(r"敬意を表|温かい歓迎|歓迎(する|し)とともに|友好(関係)?を(一層)?深め|お見舞い")),
    # 「次回会合を…で開催することで一致」「緊密に連絡を取り合う」: when and how they meet again, not what was agreed.
    ("next meeting", re.compile(r"次回(の)?(会合|会議|協議|対話|会談|セミナー|シンポジウム)を|連絡を取り合")),
    ("crowd", re.compile(r"満席|満員|立ち見|会場(を|が)埋め|(会場|ホール)は(熱気|人)")),
    # 「冒頭、…と挨拶した」: how a speaker opened or closed, whatever the quote says.
    ("speaker opening", re.compile(r"と(挨拶|あいさつ)(し|を)")),
    ("question from the floor", re.compile(r"会場から[^。]*(質問|意見|声)|との質問(が|も)(出|あ|寄せ)|笑いが起")),
    # 「当時の経験を振り返り」「学生時代に…」: a recollection, not a finding.
    (
        "recollection",
        re.compile(r"(当時|かつて|学生時代|若い頃|幼い頃)[^。]*(振り返|思い起こ|思い出)|経験を振り返|(時|頃|ころ)のことを振り返"),
    ),
    (
        "chairing",
        re.compile(r"(会談|面会|懇談|表敬訪問)(しました|した|を行いました)。$|事例が紹介され(た|ました)。$|コーディネーターを務め"),
    ),
)
_PROPOSITION_JA = re.compile(r"べき|必要|と(の)?(指摘|提言|強調|主張|合意)|と述べ|と警告")


def never_rule(text: str, language: str) -> str | None:
    """The name of the first never-post rule `text` matches, or None."""
    rules = (*_RULES_JA, *_OCCASION_JA) if language == "ja" else (*_RULES_EN, *_OCCASION_EN)
    proposition = _PROPOSITION_JA if language == "ja" else _PROPOSITION
    for name, pattern in rules:
        if pattern.search(text):
            if name in _YIELDS_TO_PROPOSITION and proposition.search(text):
                continue
            return _RULE_NAMES.get(name, name)
    return None
