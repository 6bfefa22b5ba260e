"""The argument layer: one set of syntactic rules finds agent, patient and recipient for every cue.

Each rule has at least two sentences of its own; the expected relation is what the rule must give
(at person or state level), and ``wrong`` what it must not.
"""

import pytest

from kg.records import Document
from kg.vocab import symmetric_predicates


SYMMETRIC = symmetric_predicates()


def relations(pipeline, text, date="2023-06-15"):
    extraction = pipeline.extract(Document("t", text, date))
    rels = {(r.subject, r.predicate, r.object, r.modality) for r in extraction.relations}
    roles = {}
    for s, p, o, m in rels:
        if p in ("leaderOf", "officialOf"):
            roles.setdefault(s, set()).add(o)
    lifted = set(rels)
    for s, p, o, m in rels:
        for s2 in roles.get(s, set()) | {s}:
            for o2 in roles.get(o, set()) | {o}:
                lifted.add((s2, p, o2, m))
                if p in SYMMETRIC:
                    lifted.add((o2, p, s2, m))
    return rels, lifted


CASES = [
    # active subject and direct object; passive subject and "by"-phrase
    ("verb-object", "Germany condemned Iran on Monday.", ("DEU", "condemns", "IRN", "asserted"), None),
    ("verb-object", "Chile accused Peru of spying.", ("CHL", "accuses", "PER", "asserted"), None),
    ("passive", "Kuwait was invaded by Iraq in 1990.", ("IRQ", "attacks", "KWT", "asserted"), ("KWT", "attacks", "IRQ", "asserted")),
    ("passive", "Venezuela was sanctioned by Canada last year.", ("CAN", "sanctions", "VEN", "asserted"), None),
    # prepositional objects, on the verb and on its direct object; adjuncts of time between the parts
    ("verb-prep", "Chad called on Libya to close the border.", ("TCD", "appealsTo", "LBY", "asserted"), None),
    ("verb-prep", "Algeria said it was cutting diplomatic ties with Mali.", ("DZA", "severRelationsWith", "MLI", "asserted"), None),
    ("adjunct", "Ghana on Thursday fired artillery shells at Togo.", ("GHA", "attacks", "TGO", "asserted"), None),
    ("adjunct", "Laos, in a surprise move late on Monday, lashed out at Vietnam.", ("LAO", "condemns", "VNM", "asserted"), None),
    # reciprocal subjects
    ("reciprocal", "Egypt and Qatar met in Cairo on Sunday.", ("EGY", "talksWith", "QAT", "asserted"), None),
    ("reciprocal", "Thai and Cambodian troops clashed along the border.", ("THA", "conflictWith", "KHM", "asserted"), None),
    ("reciprocal", "Both governments accused each other of breaking the truce.", None, None),
    # light verbs and their nouns
    ("light-verb", "Japan imposed sanctions on North Korea.", ("JPN", "sanctions", "PRK", "asserted"), None),
    ("light-verb", "Canada imposed new sanctions yesterday on Belarus.", ("CAN", "sanctions", "BLR", "asserted"), None),
    ("light-verb", "Nepal held talks on Tuesday with India.", ("NPL", "talksWith", "IND", "asserted"), None),
    ("light-verb", "Sudan and South Sudan traded accusations over the oil fields.", ("SDN", "accuses", "SSD", "asserted"), None),
    ("light-verb", "Estonia lodged a formal protest with Russia over the incident.", ("EST", "condemns", "RUS", "asserted"), None),
    ("light-verb", "Hungary expressed solidarity with Slovakia after the floods.", ("HUN", "supports", "SVK", "asserted"), None),
    # nominalisations: possessor, modifier, "by"-phrase, "of"-phrase
    ("nominal", "Officials criticised Iran's support for Hezbollah.", ("IRN", "supports", "hezbollah", "asserted"), None),
    ("nominal", "Poland denounced Russia's attack on Ukraine.", ("RUS", "attacks", "UKR", "asserted"), None),
    ("nominal", "A U.N. arms embargo on Libya remains in force.", ("UN", "sanctions", "LBY", "asserted"), None),
    ("nominal", "The Russian attack on Georgia began in August.", ("RUS", "attacks", "GEO", "asserted"), None),
    ("nominal", "The war between Ethiopia and Eritrea ended in 2000.", ("ETH", "conflictWith", "ERI", "asserted"), None),
    ("nominal", "The India–Pakistan talks collapsed.", ("IND", "talksWith", "PAK", "asserted"), None),
    ("nominal", "Heavy fighting erupted between Sudan and South Sudan in 2012.", ("SDN", "conflictWith", "SSD", "asserted"), None),
    ("nominal", "A fresh round of talks opened between Iran and Oman.", ("IRN", "talksWith", "OMN", "asserted"), None),
    ("nominal", "The sanctions that Canada imposed on Iran remain.", ("CAN", "sanctions", "IRN", "asserted"), None),
    ("nominal", "Norway and Sweden have not joined the sanctions that Britain imposed on Syria.", ("GBR", "sanctions", "SYR", "asserted"), ("GBR", "sanctions", "SYR", "negated")),
    ("nominal", "Macron discussed the crisis in a phone call with Erdogan.", ("FRA", "talksWith", "TUR", "asserted"), None),
    ("nominal", "M23 rebels took the town after days of fighting with the Congolese army.", ("m23", "conflictWith", "COD", "asserted"), None),
    # event nouns as objects stand for their actor
    ("event-target", "Peru condemned the missile strike by Chile.", ("PER", "condemns", "CHL", "asserted"), None),
    ("event-target", "Japan criticised the joint drills of Russia and China.", ("JPN", "condemns", "CHN", "asserted"), None),
    ("event-target", "Mexico denounced Guatemala's decision to close the border.", ("MEX", "condemns", "GTM", "asserted"), None),
    ("event-target", "Kenya welcomed Ethiopia's decision to withdraw its troops.", ("KEN", "supports", "ETH", "asserted"), None),
    # a noun in apposition to a clause ("..., a plan Y rejected") stands for the clause's act
    ("event-target", "Chile proposed a joint commission, a plan Bolivia has rejected.", ("BOL", "rejects", "CHL", "asserted"), None),
    ("event-target", "Peru wants Brazil to host the summit, an idea Chile condemned.", ("CHL", "condemns", "PER", "asserted"), None),
    ("event-target", "Peru and Chile want Brazil to join the talks as a mediator, an idea Bolivia has rejected.", ("BOL", "rejects", "PER", "asserted"), None),
    # the subject of a gerund clause after a verb of support or criticism is whom it is about
    ("event-target", "Brazil backed opposition leader Luis Arce declaring victory.", ("BRA", "supports", "luis-arce", "asserted"), None),
    ("event-target", "Peru instead supported the opposition leader Juan Perez declaring himself president.", ("PER", "supports", "juan-perez", "asserted"), None),
    # a struck thing without an owner stands for the state it lies in; a disputed region for itself
    ("place", "Israeli warplanes struck targets in southern Lebanon on Tuesday.", ("ISR", "attacks", "LBN", "asserted"), None),
    ("place", "Russia shelled villages in eastern Ukraine.", ("RUS", "attacks", "UKR", "asserted"), None),
    ("place", "Azerbaijan shelled positions in Nagorno-Karabakh.", ("AZE", "attacks", "nagorno-karabakh", "asserted"), ("AZE", "attacks", "ARM", "asserted")),
    ("place", "Israel struck Hezbollah targets in Lebanon.", ("ISR", "attacks", "hezbollah", "asserted"), None),
    ("place", "Israeli jets struck a base near Damascus.", ("ISR", "attacks", "SYR", "asserted"), None),
    ("place", "Russian drones hit a depot outside Kyiv.", ("RUS", "attacks", "UKR", "asserted"), None),
    ("place", "Two Ukrainian soldiers were killed in Russian shelling of Kharkiv.", ("RUS", "attacks", "UKR", "asserted"), None),
    ("place", "Azerbaijan shelled Stepanakert.", ("AZE", "attacks", "stepanakert", "asserted"), ("AZE", "attacks", "ARM", "asserted")),
    ("vocabulary", "The US Navy seized an Iranian weapons shipment.", ("USA", "coerces", "IRN", "asserted"), None),
    ("vocabulary", "France intercepted a Russian cargo ship.", ("FRA", "coerces", "RUS", "asserted"), None),
    # "X and Y are in talks": the copula's subjects act on each other
    ("copula", "Ankara and Damascus are in talks to normalise relations.", ("TUR", "talksWith", "SYR", "asserted"), None),
    ("copula", "Armenia and Azerbaijan remain at war.", ("ARM", "conflictWith", "AZE", "asserted"), None),
    ("copula", "Peru and Chile are not in talks.", ("PER", "talksWith", "CHL", "negated"), ("PER", "talksWith", "CHL", "asserted")),
    # a verb with a required object and prepositional objects takes either
    ("either", "Turkey shot down a Russian jet in 2015.", ("TUR", "attacks", "RUS", "asserted"), None),
    ("either", "Indian troops shot at Pakistani soldiers.", ("IND", "attacks", "PAK", "asserted"), None),
    ("event-target", "The Philippines protested China's use of water cannon.", ("PHL", "condemns", "CHN", "asserted"), None),
    # CAMEO 115: suing or bringing a case against X accuses X
    ("vocabulary", "South Africa filed a genocide case against Israel at the International Court of Justice.", ("ZAF", "accuses", "ISR", "asserted"), None),
    ("vocabulary", "Nicaragua sued Germany at the ICJ.", ("NIC", "accuses", "DEU", "asserted"), None),
    ("vocabulary", "Gambia brought a genocide case against Myanmar.", ("GMB", "accuses", "MMR", "asserted"), None),
    ("vocabulary", "The case of Ukraine shows the risk.", None, ("UKR", "accuses", "UKR", "asserted")),
    # a progressive the parser read as "been [V-ing N]" is still the verb of its subject
    ("progressive", "Qatar and Egypt have been brokering talks between Israel and Hamas.", ("QAT", "mediates", "ISR", "asserted"), None),
    ("progressive", "Norway has been brokering talks between Colombia and the ELN.", ("NOR", "mediates", "COL", "asserted"), None),
    # a state's monarch or chief acts for it
    ("organ", "Qatar's emir met Iran's president.", ("QAT", "talksWith", "IRN", "asserted"), None),
    ("organ", "Pakistan's army chief met Chinese officials in Beijing.", ("PAK", "talksWith", "CHN", "asserted"), None),
    # a ship with aid or planes carrying medicine send no forces
    ("cargo", "Japan sent a ship with aid to Turkey.", None, ("JPN", "deploysForcesTo", "TUR", "asserted")),
    ("cargo", "Egypt sent two aircraft loaded with food to Sudan.", None, ("EGY", "deploysForcesTo", "SDN", "asserted")),
    ("cargo", "Russia sent troops with tanks to Belarus.", ("RUS", "deploysForcesTo", "BLR", "asserted"), None),
    # a destination the parser hung on a noun's by-agent is the noun's
    ("visit", "Macron's visit was the first bilateral trip by a French leader to Algeria in twelve years.", ("FRA", "visits", "DZA", "asserted"), None),
    ("visit", "It was the first trip by a Turkish leader to Armenia.", ("TUR", "visits", "ARM", "asserted"), None),
    # "the X-led coalition" acts as X; recapturing a place from Y attacks Y
    ("leader", "The Saudi-led coalition carried out airstrikes on Yemen.", ("SAU", "attacks", "YEM", "asserted"), None),
    ("leader", "A Russian-led alliance sent troops to Kazakhstan.", ("RUS", "deploysForcesTo", "KAZ", "asserted"), None),
    ("vocabulary", "Ukrainian forces have recaptured the village from Russian troops.", ("UKR", "attacks", "RUS", "asserted"), None),
    ("vocabulary", "Azerbaijan retook the district from Armenian forces.", ("AZE", "attacks", "ARM", "asserted"), None),
    ("vocabulary", "Ethiopian troops clashed with Tigrayan forces near Mekelle.", ("ETH", "conflictWith", "tplf", "asserted"), None),
    ("place", "Russia shelled Kharkiv.", ("RUS", "attacks", "UKR", "asserted"), None),
    # one phrase with a possessor is one side, not two; two possessors are two
    ("sides", "Russia's Wagner Group mercenaries are fighting alongside Malian troops.", None, ("RUS", "conflictWith", "wagner-group", "asserted")),
    ("sides", "Iran's Quds Force fighters are fighting in Syria.", None, ("IRN", "conflictWith", "quds-force", "asserted")),
    ("sides", "Russia's and Ukraine's delegations met in Istanbul.", ("RUS", "talksWith", "UKR", "asserted"), None),
    # an agentless passive expulsion was done by the state the envoy was posted to
    ("passive", "Mexico's ambassador to Peru was expelled on Monday.", ("PER", "severRelationsWith", "MEX", "asserted"), None),
    ("passive", "The Russian ambassador in Tallinn was expelled.", ("EST", "severRelationsWith", "RUS", "asserted"), None),
    # backing a state's integrity, sovereignty or candidacy backs the state
    ("event-target", "Tehran supports Syria's territorial integrity.", ("IRN", "supports", "SYR", "asserted"), None),
    ("event-target", "India supports Brazil's candidacy.", ("IND", "supports", "BRA", "asserted"), None),
    # joining something of an organisation is no membership
    ("membership", "Georgia joined the European Union's sanctions regime.", None, ("GEO", "memberOf", "EU", "asserted")),
    ("membership", "Ukraine joined the EU's energy market.", None, ("UKR", "memberOf", "EU", "asserted")),
    ("membership", "Egypt joined the BRICS group.", ("EGY", "memberOf", "BRICS", "asserted"), None),
    ("event-target", "Russia criticised the delivery of German tanks to Ukraine.", ("RUS", "condemns", "DEU", "asserted"), None),
    ("event-target", "China condemned the US sale of weapons to Taiwan.", ("CHN", "condemns", "USA", "asserted"), None),
    # withdrawals: forces as subject or object, particles the parser took for a preposition or adverb
    ("withdrawal", "France pulled its troops out of Niger.", ("FRA", "yieldsTo", "NER", "asserted"), None),
    ("withdrawal", "French troops withdrew from Niger.", ("FRA", "yieldsTo", "NER", "asserted"), None),
    ("withdrawal", "Russian forces pulled back from Kyiv.", ("RUS", "yieldsTo", "UKR", "asserted"), None),
    ("withdrawal", "The ambassador withdrew from the talks.", None, ("UKR", "yieldsTo", "UKR", "asserted")),
    ("vocabulary", "The Houthis attacked a British tanker.", ("houthis", "attacks", "GBR", "asserted"), None),
    ("vocabulary", "Somali pirates seized a Greek freighter.", None, ("GRC", "attacks", "GRC", "asserted")),
    # "an amount in aid": the noun is the light verb's object
    ("light", "Germany pledged 5 billion euros in military aid to Kyiv.", ("DEU", "providesAidTo", "UKR", "asserted"), None),
    ("light", "The US announced $2 billion in new military assistance for Israel.", ("USA", "providesAidTo", "ISR", "asserted"), None),
    # a threat to do something to X threatens X
    ("threat", "Russia threatened to cut gas supplies to Moldova.", ("RUS", "threatens", "MDA", "asserted"), None),
    ("threat", "Iran warned it would strike Israel.", ("IRN", "threatens", "ISR", "asserted"), None),
    ("threat", "Russia threatened to attack Moldova.", ("RUS", "attacks", "MDA", "hypothetical"), ("RUS", "attacks", "MDA", "asserted")),
    # vocabulary of CAMEO 07, 08, 12 and 17
    ("vocabulary", "Qatar funded Hamas for years.", ("QAT", "providesAidTo", "hamas", "asserted"), None),
    ("vocabulary", "Canada accused Peru of financing Hezbollah.", ("PER", "providesAidTo", "hezbollah", "claimed"), None),
    ("vocabulary", "Russia agreed to cede the island to Japan.", ("RUS", "yieldsTo", "JPN", "asserted"), None),
    ("vocabulary", "The United States unfroze Iranian assets.", ("USA", "yieldsTo", "IRN", "asserted"), None),
    ("vocabulary", "Chile defied Peru's demand.", ("CHL", "rejects", "PER", "asserted"), None),
    ("vocabulary", "Bolivia declined Chile's invitation.", ("BOL", "rejects", "CHL", "asserted"), None),
    ("vocabulary", "Iran jailed two French citizens.", ("IRN", "coerces", "FRA", "asserted"), None),
    ("vocabulary", "Iran sentenced a British national to ten years in prison.", ("IRN", "coerces", "GBR", "asserted"), None),
    # a guest or host is no army
    ("party", "Qatar hosted the Iranian foreign minister on Monday.", ("IRN", "visits", "QAT", "asserted"), None),
    ("party", "Syria fired rockets at bases hosting US forces.", None, ("USA", "visits", "SYR", "asserted")),
    ("party", "Kuwait hosted American troops during the war.", None, ("USA", "visits", "KWT", "asserted")),
    # objecting to an act rejects its actor
    ("event-target", "Myanmar strongly objected to Thailand's decision.", ("MMR", "rejects", "THA", "asserted"), None),
    ("event-target", "Ghana objects to Togo joining the bloc.", ("GHA", "rejects", "TGO", "asserted"), None),
    # each coordinated act stands for its own actor
    ("event-target", "Peru condemned the arrests and the raid by Chile on the border post.", ("PER", "condemns", "CHL", "asserted"), None),
    ("event-target", "Norway demanded the release of the sailors as well as an inquiry by the United Nations.", ("NOR", "demands", "UN", "asserted"), None),
    # control: the subject of "decided to", the object of "urged X to", the owner of "X's decision to"
    ("control", "Bolivia decided to recall its ambassador from Chile.", ("BOL", "severRelationsWith", "CHL", "asserted"), None),
    ("control", "Gabon and Cameroon agreed to restore diplomatic relations.", ("GAB", "restoreRelationsWith", "CMR", "asserted"), None),
    ("control", "Russia called on Israel to halt its attacks on Hamas.", ("ISR", "attacks", "hamas", "claimed"), ("RUS", "attacks", "hamas", "claimed")),
    ("control", "Kenya urged Somalia to stop attacking Ethiopia.", ("SOM", "attacks", "ETH", "hypothetical"), ("KEN", "attacks", "ETH", "hypothetical")),
    # a gerund after "accused X of": X does it, and nothing if its object is no actor
    ("gerund", "India accused Pakistan of sheltering Jaish-e-Mohammed.", ("PAK", "supports", "jaish-e-mohammed", "claimed"), None),
    ("gerund", "Greece accused Turkey of supporting terrorism.", ("GRC", "accuses", "TUR", "asserted"), ("TUR", "supports", "GRC", "claimed")),
    # relative clauses and apposition
    ("relative", "The bloc, which includes Chile, Peru and Colombia, met in Lima.", None, None),
    ("relative", "He asked for a meeting of the Security Council, of which Ireland is a member.", ("IRL", "memberOf", "UN", "asserted"), None),
    ("apposition", "Hungary, a member of the European Union, vetoed the plan.", ("HUN", "memberOf", "EU", "asserted"), None),
    ("apposition", "Greece, a NATO member, protested.", ("GRC", "memberOf", "NATO", "asserted"), None),
    ("apposition", "Canberra, Washington's closest ally in the region, agreed.", ("AUS", "allyOf", "USA", "asserted"), None),
    # standing facts said in passing: premodifiers, appositions, copulas, "as"
    ("standing", "The United States criticised NATO member Norway on Friday.", ("NOR", "memberOf", "NATO", "asserted"), None),
    ("standing", "Canada and its NATO ally Denmark signed the accord.", ("DNK", "memberOf", "NATO", "asserted"), None),
    ("standing", "Estonia is a NATO member.", ("EST", "memberOf", "NATO", "asserted"), None),
    ("standing", "Israel is America's closest ally.", ("ISR", "allyOf", "USA", "asserted"), None),
    ("standing", "Norway is a member of NATO.", ("NOR", "memberOf", "NATO", "asserted"), None),
    ("standing", "Portugal is the only neighbour of Spain.", ("PRT", "neighbourOf", "ESP", "asserted"), None),
    ("standing", "As a member of the Arab League, Egypt voted for the motion.", ("EGY", "memberOf", "LAS", "asserted"), None),
    ("standing", "As a member of the African Union, Kenya sent observers.", ("KEN", "memberOf", "AU", "asserted"), None),
    ("standing", "Vietnam accused neighbour Cambodia of harbouring rebels.", ("VNM", "neighbourOf", "KHM", "asserted"), None),
    ("standing", "Chile's neighbour Argentina protested.", ("ARG", "neighbourOf", "CHL", "asserted"), None),
    ("standing", "Uzbekistan and Kazakhstan, both of which are Russian allies, abstained.", ("KAZ", "allyOf", "RUS", "asserted"), None),
    ("standing", "Kuwait and Oman, two of Riyadh's closest allies, stayed silent. Qatar and Bahrain argued.", None, None),
    ("standing", "Tirana closed its border with Greece for a week.", ("ALB", "neighbourOf", "GRC", "asserted"), None),
    ("standing", "The mandate covers the border between Peru and Ecuador.", ("PER", "neighbourOf", "ECU", "asserted"), None),
    ("standing", "The juntas in neighbouring Mali and Burkina Faso backed Niger.", ("MLI", "neighbourOf", "NER", "asserted"), None),
    # acting as mediator, with or without the parties named
    ("mediator", "Chad and Sudan met in Doha, with Qatar acting as mediator.", ("QAT", "mediates", "TCD", "asserted"), None),
    ("mediator", "Serbia and Kosovo resumed talks, with the EU acting as host and facilitator.", ("EU", "mediates", "SRB", "asserted"), None),
    # the object of a recall or expulsion is the other state, whichever way it is said
    ("owner", "Italy recalled its envoys to Chile and Peru.", ("ITA", "severRelationsWith", "PER", "asserted"), ("CHL", "severRelationsWith", "ITA", "claimed")),
    ("owner", "Lithuania expelled the Belarusian ambassador.", ("LTU", "severRelationsWith", "BLR", "asserted"), None),
    ("owner", "Mali gave the French ambassador 72 hours to leave.", ("MLI", "severRelationsWith", "FRA", "asserted"), None),
    ("owner", "Both countries have recalled their ambassadors for consultations.", None, None),
    # "X, including Y": the ones named
    ("including", "Belarus's actions were condemned by several states, including Poland.", ("POL", "condemns", "BLR", "asserted"), None),
    ("including", "Many governments, including Chile, criticised Peru.", ("CHL", "condemns", "PER", "asserted"), None),
    # a warning or accusation with no object named is about the actor of its clause
    ("clause-object", "Peru warned that any attempt by Chile to divert the river would be treated as an act of war.", ("PER", "threatens", "CHL", "asserted"), None),
    ("clause-object", "Bolivia threatened a tough response if Brazil carried out further raids.", ("BOL", "threatens", "BRA", "asserted"), None),
    ("clause-object", "India renewed its accusation that Pakistan had armed the rebels.", ("IND", "accuses", "PAK", "asserted"), None),
    ("clause-object", "Kenya repeated its allegation that Somalia had shelled the border posts.", ("KEN", "accuses", "SOM", "asserted"), None),
    # a demanded act stands for its actor
    ("demand", "Baku demanded the withdrawal of Armenian troops from the region.", ("AZE", "appealsTo", "ARM", "asserted"), None),
    ("demand", "Kenya called for the withdrawal of Ugandan forces.", ("KEN", "appealsTo", "UGA", "asserted"), None),
    ("light-verb", "Sudanese soldiers opened fire on Chadian troops near the border.", ("SDN", "attacks", "TCD", "asserted"), None),
    ("light-verb", "Ecuador opened fire on a Peruvian patrol boat.", ("ECU", "attacks", "PER", "asserted"), None),
    # modality: deciding or announcing a diplomatic act does it; a future attack does not happen by saying so
    ("modality", "Chad decided to recall its ambassador from Sudan.", ("TCD", "severRelationsWith", "SDN", "asserted"), None),
    ("modality", "The European Union will impose new sanctions on Belarus.", ("EU", "sanctions", "BLR", "asserted"), None),
    ("modality", "Niger said it would send troops to Mali.", ("NER", "deploysForcesTo", "MLI", "asserted"), None),
    ("modality", "Niger and Chad agreed to deploy troops to Mali.", ("NER", "deploysForcesTo", "MLI", "hypothetical"), ("NER", "deploysForcesTo", "MLI", "asserted")),
    ("modality", "Iran and Syria said they will attack Iraq.", ("IRN", "attacks", "IRQ", "hypothetical"), ("IRN", "attacks", "IRQ", "asserted")),
    ("modality", "Chile and Peru agree that their disputes should go to arbitration.", None, ("CHL", "talksWith", "PER", "asserted")),
    ("modality", "Serbia and Kosovo agreed to keep talking.", ("SRB", "talksWith", "XKX", "asserted"), None),
    # a common noun with a name in apposition stands for the name; the owner of a struck thing is struck
    ("appos-name", "Britain imposed sanctions on its former ally, Libya.", ("GBR", "sanctions", "LBY", "asserted"), None),
    ("appos-name", "Britain imposed sanctions on NATO ally Turkey.", None, ("GBR", "sanctions", "NATO", "asserted")),
    ("appos-name", "Kenya hosted its neighbour Tanzania for talks.", ("KEN", "talksWith", "TZA", "asserted"), None),
    ("owner", "Eritrean gunmen fired on Ethiopian trucks near the border.", ("ERI", "attacks", "ETH", "asserted"), None),
    ("owner", "Canada sanctioned three Russian banks.", ("CAN", "sanctions", "RUS", "asserted"), None),
    # who a pronoun and a description stand for
    ("pronoun", "The leaders of the EU praised Latvia after it said it was expelling the Russian ambassador.", ("LVA", "severRelationsWith", "RUS", "asserted"), ("EU", "severRelationsWith", "RUS", "asserted")),
    ("pronoun", "Belarus's conduct was condemned by Poland, which accused its leaders of piracy.", ("POL", "accuses", "BLR", "asserted"), None),
    ("pronoun", "According to Reuters, Chile and Peru agreed to restore relations between the two countries.", ("CHL", "restoreRelationsWith", "PER", "asserted"), ("reuters", "restoreRelationsWith", "PER", "asserted")),
    ("pronoun", "Al Jazeera said Qatar and Bahrain had agreed to restore ties between the two states.", ("QAT", "restoreRelationsWith", "BHR", "asserted"), ("al-jazeera", "restoreRelationsWith", "QAT", "asserted")),
    ("forces", "Forces loyal to Abiy Ahmed attacked the TPLF.", ("ETH", "attacks", "tplf", "asserted"), None),
    ("forces", "Troops loyal to Felix Tshisekedi clashed with the M23 rebels.", ("COD", "conflictWith", "m23", "asserted"), None),
    ("forces", "Rebel groups in the M23 attacked Congolese troops.", ("m23", "attacks", "COD", "asserted"), None),
    # a title held at the time told: the person acted for that state then, and holds no office now
    ("then", "Then-President Mauricio Macri's government accused Chile of spying.", ("ARG", "accuses", "CHL", "asserted"), ("mauricio-macri", "leaderOf", "ARG", "asserted")),
    ("then", "In 2019 then-President Evo Morales accused Chile of aggression.", ("BOL", "accuses", "CHL", "asserted"), ("evo-morales", "leaderOf", "BOL", "asserted")),
    ("forces", "The Israel Defense Forces struck Gaza.", ("ISR", "attacks", "gaza", "asserted"), None),
    ("forces", "The Rwanda Defence Forces (RDF) said it had sent troops to Mozambique.", ("RWA", "deploysForcesTo", "MOZ", "asserted"), ("rdf", "deploysForcesTo", "MOZ", "asserted")),
    # object control by cause: "prompted X to V"
    ("control", "The raid prompted Bolivia to break off diplomatic relations with Chile.", ("BOL", "severRelationsWith", "CHL", "asserted"), None),
    ("control", "The attack led Kenya to recall its envoy from Somalia.", ("KEN", "severRelationsWith", "SOM", "asserted"), None),
    # "warned of X": the actors of what the warning is about
    ("clause-object", "Tunisia warned of lasting damage to its relations with Libya.", ("TUN", "threatens", "LBY", "asserted"), None),
    ("clause-object", "A Greek foreign ministry statement warned of serious consequences for Turkey.", ("GRC", "threatens", "TUR", "asserted"), None),
    # "the 16-nation bloc", "the league": the organisation last named
    ("description", "The SADC met in Maputo. Angola is not a member of the 16-nation bloc.", None, None),
    ("description", "The Arab League met in Cairo and agreed to restore Libya's membership in the league.", ("LBY", "memberOf", "LAS", "asserted"), None),
    # an adjunct participle whose main subject is no actor acts for the subject of the clause before it
    ("participle", "The war began when Abiy Ahmed sent troops to Tigray, accusing the TPLF of attacking a base.", ("ETH", "accuses", "tplf", "asserted"), None),
    ("participle", "The crisis started after Kenya closed the border, accusing Somalia of smuggling arms.", ("KEN", "accuses", "SOM", "asserted"), None),
    # "accused of attacks on X": the one accused attacks
    ("accused-of", "The M23 was accused of attacks on the city of Goma.", ("m23", "attacks", "goma", "claimed"), None),
    ("accused-of", "Chile blamed Bolivia for the raids on its border posts.", ("BOL", "attacks", "CHL", "claimed"), None),
    # a passive participle of deployment: the forces' owner deployed them; a disputed region stands for no state
    ("deployment", "Russian peacekeepers deployed in Karabakh stayed.", ("RUS", "deploysForcesTo", "nagorno-karabakh", "asserted"), ("RUS", "deploysForcesTo", "AZE", "asserted")),
    ("deployment", "Turkish troops stationed in Somalia train the army.", ("TUR", "deploysForcesTo", "SOM", "asserted"), None),
    # "other neighbours, X and Y" does not make X and Y neighbours of each other
    ("neighbours", "Iran struck targets in its other neighbours, Iraq and Syria.", None, ("IRQ", "neighbourOf", "SYR", "asserted")),
    # "in solidarity with X": X is on the subject's side, not the object
    ("comitative", "Nicaragua said it was breaking off relations with Ecuador in solidarity with Mexico.", ("NIC", "severRelationsWith", "ECU", "asserted"), ("NIC", "severRelationsWith", "MEX", "asserted")),
    ("comitative", "Kenya recalled its envoy from Sudan in coordination with Uganda.", ("KEN", "severRelationsWith", "SDN", "asserted"), ("KEN", "severRelationsWith", "UGA", "asserted")),
    # a cancelled event did not happen; a supported step is not yet taken
    ("cancel", "Erdogan cancelled a planned meeting with Mitsotakis.", None, ("TUR", "talksWith", "GRC", "asserted")),
    ("cancel", "China called off the scheduled talks with the United States.", None, ("CHN", "talksWith", "USA", "asserted")),
    ("governor", "Most Georgians support joining the European Union.", None, ("GEO", "memberOf", "EU", "asserted")),
    ("governor", "Norway's parliament favours joining the alliance with Sweden.", None, ("NOR", "allyOf", "SWE", "asserted")),
    # a sea names where a place is, it is in no state
    ("place", "Erdogan spoke in the Black Sea city of Samsun.", None, ("black-sea", "locatedIn", "TUR", "asserted")),
    # the name a noun describes comes before any anaphora of the noun
    ("appos-name", "Algeria blamed Morocco, together with the Islamist group Rachad, for the fires.", ("DZA", "accuses", "rachad", "asserted"), ("DZA", "accuses", "UN", "asserted")),
    # after a comma, a verb coordinated with a relative clause goes with the main clause
    ("relative", "Chile cited a report in which Bolivia's envoy praised Peru, and accused Bolivia of spying.", ("CHL", "accuses", "BOL", "asserted"), None),
    # a perfect participle adjunct ("having accused X") acts for the clause it hangs on
    ("participle", "Ankara approved the accession in January, having accused Sweden of leniency.", ("TUR", "accuses", "SWE", "asserted"), None),
    ("participle", "Kenya signed the deal, having earlier accused Somalia of shelling its border posts.", ("KEN", "accuses", "SOM", "asserted"), None),
    ("light-verb", "Chile shares a long border with Argentina.", ("CHL", "neighbourOf", "ARG", "asserted"), None),
    # places
    ("place", "Clashes erupted in Banjska, a village in northern Kosovo, on Sunday.", ("banjska", "locatedIn", "XKX", "asserted"), None),
    ("place", "Caracas claims the territory of Essequibo, which makes up two-thirds of Guyana.", ("essequibo", "locatedIn", "GUY", "asserted"), None),
    ("place", "Ali and Maduro met on the island of St Vincent.", None, ("essequibo", "locatedIn", "VCT", "asserted")),
]


@pytest.mark.parametrize("rule, text, expected, wrong", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_arguments_rule(pipeline, rule, text, expected, wrong):
    rels, lifted = relations(pipeline, text)
    if expected is not None:
        assert expected in lifted, sorted(rels)
    if wrong is not None:
        assert wrong not in lifted, sorted(rels)


def test_arguments_each_other_gives_both_asserted_directions(pipeline):
    rels, _ = relations(pipeline, "Armenia and Azerbaijan fought in the autumn. Both governments accused each other of breaking the truce.")
    assert {("ARM", "accuses", "AZE", "asserted"), ("AZE", "accuses", "ARM", "asserted")} <= rels, sorted(rels)
    rels, _ = relations(pipeline, "Niger and Benin have blamed one another for the closure of the border.")
    assert {("NER", "accuses", "BEN", "asserted"), ("BEN", "accuses", "NER", "asserted")} <= rels, sorted(rels)


def test_arguments_themselves_with_two_subjects_is_each_other(pipeline):
    rels, _ = relations(pipeline, "Armenia and Azerbaijan accused themselves of violating the truce.")
    assert {("ARM", "accuses", "AZE", "asserted"), ("AZE", "accuses", "ARM", "asserted")} <= rels, sorted(rels)
    rels, _ = relations(pipeline, "Thai and Cambodian troops attacked themselves near the temple.")
    assert {("THA", "attacks", "KHM", "asserted"), ("KHM", "attacks", "THA", "asserted")} <= rels, sorted(rels)


def test_arguments_a_bloc_includes_its_members(pipeline):
    rels, _ = relations(pipeline, "Mercosur, which includes Brazil, Argentina and Paraguay, met in Asuncion.")
    assert {("BRA", "memberOf", "MERCOSUR", "asserted"), ("PRY", "memberOf", "MERCOSUR", "asserted")} <= rels, sorted(rels)
    rels, _ = relations(pipeline, "The Gulf Cooperation Council comprises Saudi Arabia, Kuwait, Bahrain, Qatar and Oman.")
    assert {("KWT", "memberOf", "GCC", "asserted"), ("OMN", "memberOf", "GCC", "asserted")} <= rels, sorted(rels)
    rels, _ = relations(pipeline, "The sanctions include Russia's central bank.")
    assert not any(p == "memberOf" for s, p, o, m in rels), sorted(rels)


def test_arguments_two_of_x_allies_are_the_parties(pipeline):
    rels, _ = relations(pipeline, "Canberra welcomed the deal between Japan and South Korea, two of Washington's closest allies.")
    assert {("USA", "allyOf", "JPN", "asserted"), ("USA", "allyOf", "KOR", "asserted")} <= {(s, p, o, m) for s, p, o, m in rels} | {
        (o, p, s, m) for s, p, o, m in rels}, sorted(rels)


def test_arguments_both_countries_recalled_their_ambassadors(pipeline):
    rels, _ = relations(pipeline, "Chile and Bolivia argued over water. Both countries have recalled their ambassadors for consultations.")
    assert {("CHL", "severRelationsWith", "BOL", "asserted"), ("BOL", "severRelationsWith", "CHL", "asserted")} <= rels, sorted(rels)
    assert not any(p == "talksWith" for s, p, o, m in rels), sorted(rels)


def test_arguments_an_embedded_verb_needs_an_actor_object(pipeline):
    rels, _ = relations(pipeline, "Greece accused Turkey of supporting terrorism.")
    assert not any(p == "supports" for s, p, o, m in rels), sorted(rels)
    rels, _ = relations(pipeline, "Chile accused Bolivia of funding smugglers.")
    assert not any(p == "supports" for s, p, o, m in rels), sorted(rels)


def test_arguments_an_antecedent_that_is_no_actor_is_not_the_parties(pipeline):
    text = "Serbia and Russia signed a deal. If firms from both help others evade controls, analysts say, Washington could target them."
    rels, _ = relations(pipeline, text)
    assert not any(p == "attacks" for s, p, o, m in rels), sorted(rels)
    rels, _ = relations(pipeline, "Peru and Chile met. Smugglers crossed the river, and the army shot at them.")
    assert not any(p == "attacks" for s, p, o, m in rels), sorted(rels)


@pytest.mark.parametrize(
    "text, expected, wrong",
    [
        # curated PETRARCH-2 verbs (kg/data/cues_cameo.csv), a particle where the dictionary has one
        ("Chile hit out at Peru over the fishing dispute.", ("CHL", "condemns", "PER", "asserted"), ("CHL", "attacks", "PER", "asserted")),
        ("Rebels hit a Peruvian convoy near the border.", None, ("rebels", "condemns", "PER", "asserted")),
        ("Oman congratulated Qatar on the agreement.", ("OMN", "supports", "QAT", "asserted"), None),
        ("Jordan chided Israel for the raids.", ("JOR", "condemns", "ISR", "asserted"), None),
    ],
)
def test_arguments_dictionary_verbs(pipeline, text, expected, wrong):
    rels, lifted = relations(pipeline, text)
    if expected is not None:
        assert expected in lifted, sorted(rels)
    if wrong is not None:
        assert wrong not in lifted, sorted(rels)


def test_arguments_dictionary_cues_are_what_the_script_makes():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parent.parent
    result = subprocess.run([sys.executable, str(root / "scripts" / "cameo_cues.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_arguments_a_headline_is_a_sentence_of_its_own(pipeline):
    text = "Chile recalls envoy\n\nChile recalled its ambassador from Peru on Monday."
    extraction = pipeline.extract(Document("t", text, "2023-06-15"))
    (relation,) = [r for r in extraction.relations if r.predicate == "severRelationsWith"]
    assert relation.evidence.sentence == "Chile recalled its ambassador from Peru on Monday."
    text = "Border talks\nKenya and Uganda met in Kampala."
    extraction = pipeline.extract(Document("t", text, "2023-06-15"))
    assert [r.evidence.sentence for r in extraction.relations if r.predicate == "talksWith"] == ["Kenya and Uganda met in Kampala."]


def test_arguments_restored_ties_name_the_partner_not_the_city(pipeline):
    rels, _ = relations(pipeline, "Ghana restored its ties with Togo.")
    assert ("GHA", "restoreRelationsWith", "TGO", "asserted") in rels, sorted(rels)
    rels, _ = relations(pipeline, "Chile and Bolivia restored relations in Lima.")
    assert ("CHL", "restoreRelationsWith", "BOL", "asserted") in rels, sorted(rels)
    assert not any(o == "PER" or s == "PER" for s, p, o, m in rels), sorted(rels)
