"""Generic English word lists used to keep reference names from matching ordinary words."""
from __future__ import annotations

# Common English words (lowercase). A reference name (threat-actor alias, city) made of one of these words only
# is matched only with its exact capitalisation and never at the start of a sentence (or not at all for places).
COMMON = frozenset("""
a about above across act action actor actors after again against age agency ago agreement ahead aim air all allow
almost alone along already also although always am among amount an and angel angle another answer any anyone
anything apple approach area areas arm army around arrow art as ask at attack attacks august autumn avenue away axe
axis baby back bad badger bank banks bar base basin basket bat bath battle bay be bean bear beast beat beauty bed bee
before began begin behind being bell below belt bench best better between big bird bishop bit bitter black blade blind
block blood blue board boat body bold bond bone book border boss both bottom box boy brain branch brave bread break
bridge bright bring broad brother brown buffalo build bull burn bus business but butterfly buy by cabin cable call
calm camel camp can cancer cannon canyon cap capital car card cardinal care carpenter case castle cat cause cell center
central centre chain chair chance change charge charity chase cheap check chief child china choice church cicada
circle city claim class clean clear climb clock close cloud club coal coast cobalt cold college color colour come
common company concord conference congress control cook cool copper corner cost cotton could council count country
county course court cover cow crab crane crash cricket cross crow crown cup current cut dagger damage dance danger
dark data date dawn day dead deal dear death deep deer defence defense delta desert design detroit dew diamond did
die dingo direct division do doctor dog dollar door double dove down dragon dream drive drop dry duck due duke during
dust each eagle early earth east eastern easy echo edge effort eight either elder eleven elk else emerald empire end
energy engine enough entry equal equation era estate even evening event ever every evil exchange eye face fact fair
faith fall falls family famous far farm fast father fear feather federal felt few field fifth fight figure final fine
finger fire first fish five flag flat fleet flight flint flower fly focus fog follow food foot for force forest form
fort fortune forum forward four fox frame free freedom fresh friday friend from front frost fruit full fun future
gain game gap garden gate general gentle ghost giant gift girl give glass glen globe go goat god gold golden good
gorilla got government grand grant grass gray great green grey ground group grove grow guard guide gulf gun hair half
hall hammer hand happy harbor harbour hard harmony harvest has have haven hawk he head health hear heart heat heaven
held hell help her here hero high hill him his history hit hold hole holiday holy home honey hope horn horse hospital
host hot hotel hour house how however hub human hundred hunter hurricane ice idea if image impact in inception
independence index indigo industry inside into iron is island it its jack jewel job join joy judge july jump june
junior jupiter just justice keep key kid kill kind king kitten knight know labor labour lady lake lamb land large last
late later law lead leader leaf league lee left legend lemon less let level liberty library life light like lime line
lion little live local lock lodge long look lord lost lot love low luck lucky lynx machine made magic mail main major
make man manor many maple march mark market mars mask master match may mayor me mean media medium meet member memory
mercury mercy mid middle might mile military mill million mind mine minister mint mirror miss mission mobile model
moment monday money monkey month moon more morning most mother motion mount mountain mouse move much music must my
name names nation national native nature navy near need network never new news next nice night nine no noble noon nor
normal north northern not note nothing now number oak ocean october of off office officer old olive on once one only
open operation or orange order other our out over owl own oxford page palace palm panda paper paradise park part party
pass past path peace peak pearl people period person phoenix pick picture piece pilot pine pink pioneer pipe place
plain plan planet plant play player plaza pleasant plus pocket point police polo pond pool poor port post potter
power present president press price pride prime prince print prison private prize project prospect public pull pure
put quarter queen question quick quiet race radio rain ram ranch range rapid rat raven reach read reading ready real
reaper red regent region rest result rich ride right ring rise river road rock rocket room root rose round royal rule
run safe saint sale salem salt same sand saturday save say school sea season second secret see seed seem self sell
senate send sense september serve service set seven shadow shark she shell shield ship shore short should show side
sign silence silver simple since sing single sir sister site six sky sleep slow small smart smile snake snow so
society soft soldier some son song soon sound south southern space spark speed spider spirit split spring square
squirrel staff stage standard star start state station stay steel step still stone stop storm story strait strange
street strength strong student study style success such sugar summer sun sunday sunrise sunset sunshine superior
supply support sure surprise swan sweet sword system table tail take talk tall target taste tax tea teacher team
temple ten term test than that the their them then there these they thing think third this those though thousand
three thunder thursday tick tiger time title to today together tomorrow too top tower town trade trail train tree
triangle trident trinity trip trouble true trust try tuesday turkey turn twelve twenty two under union unit unity
until up upon us use valley value venus very victoria victory view village violet vision visit voice wait walk wall
want war warm warrior was watch water wave way we weapon wednesday week well were west western what wheel when where
which while white who whole why wide wild will win wind window winter wire wise with within without wolf woman wonder
wood word work world would year yellow yes yet you young youth zero zone
said says say told also their there these those this that with from into onto over under after before while since
""".split())

# Words that can open a capitalised phrase but are never part of an organisation's or place's name.
FUNCTION = frozenset("""
a an the this that these those it its it's he she they we you i his her their our my your them us me
and or but nor so yet if then than as at by for from in into of on onto to with without about after before
during since until while when where which who whom whose what why how all any each every some no not only also
just even still already again here there today yesterday tomorrow now later earlier meanwhile however although
though because despite according last next other another several many most more much few such both either neither
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december mr mrs ms dr prof sir
""".split())

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
