package classifier

import "github.com/scfwca/databank/internal/i18n"

// Region and district codes are ASCII slugs of the Azerbaijani names: ə→a,
// ı→i, ş→s, ç→c, ğ→g, ö→o, ü→u, İ→i, lower case, spaces and hyphens → "_".
// The State Statistics Committee's AZS 882 codes could later be added
// alongside; these slugs stay as the stable keys.

// Regions is the classifier of the 14 economic regions (Presidential Decree
// of 7 July 2021).
var Regions = newList("region", i18n.T("İqtisadi rayon", "Economic region", "Экономический район"), nil,
	item("baki", "Bakı", "Baku", "Баку"),
	item("naxcivan", "Naxçıvan", "Nakhchivan", "Нахчыван"),
	item("abseron_xizi", "Abşeron-Xızı", "Absheron-Khizi", "Абшерон-Хызы"),
	item("dagliq_sirvan", "Dağlıq Şirvan", "Daglig Shirvan", "Горный Ширван"),
	item("ganca_daskasan", "Gəncə-Daşkəsən", "Ganja-Dashkasan", "Гянджа-Дашкесан"),
	item("qarabag", "Qarabağ", "Karabakh", "Карабах"),
	item("qazax_tovuz", "Qazax-Tovuz", "Gazakh-Tovuz", "Газах-Товуз"),
	item("quba_xacmaz", "Quba-Xaçmaz", "Guba-Khachmaz", "Губа-Хачмаз"),
	item("lankaran_astara", "Lənkəran-Astara", "Lankaran-Astara", "Ленкорань-Астара"),
	item("markazi_aran", "Mərkəzi Aran", "Central Aran", "Центральный Аран"),
	item("mil_mugan", "Mil-Muğan", "Mil-Mughan", "Миль-Муган"),
	item("saki_zaqatala", "Şəki-Zaqatala", "Shaki-Zagatala", "Шеки-Загатала"),
	item("sarqi_zangazur", "Şərqi Zəngəzur", "East Zangezur", "Восточный Зангезур"),
	item("sirvan_salyan", "Şirvan-Salyan", "Shirvan-Salyan", "Ширван-Сальян"),
)

// regionShares are the regions' shares of the population in percent at the
// start of 2024 (State Statistics Committee). They sum to 100.
var regionShares = map[string]float64{
	"baki":            23.0,
	"lankaran_astara": 9.2,
	"abseron_xizi":    8.6,
	"qarabag":         7.3,
	"markazi_aran":    7.1,
	"qazax_tovuz":     6.7,
	"saki_zaqatala":   6.1,
	"ganca_daskasan":  5.9,
	"quba_xacmaz":     5.4,
	"mil_mugan":       5.1,
	"sirvan_salyan":   4.9,
	"naxcivan":        4.6,
	"dagliq_sirvan":   3.1,
	"sarqi_zangazur":  3.0,
}

// RegionShare returns the region's share of the population in percent at the
// start of 2024, or 0 for a code that is not a region. Internally displaced
// persons are counted in their districts of origin.
func RegionShare(region string) float64 {
	return regionShares[region]
}

// district is shorthand for an item of Districts.
func district(region, code, az, en, ru string) Item {
	return Item{Code: code, Name: i18n.T(az, en, ru), Parent: region}
}

// Districts is the classifier of the administrative units below the economic
// regions: cities of republican subordination, rayons, the capital of the
// Naxçıvan Autonomous Republic and Baku's 12 city districts (Baku itself is
// not an item: its economic region is the city). Parent is the economic
// region's code.
//
// Lənkəran, Şəki and Yevlax are single units: the State Statistics
// Committee's 2024 classifier treats the former rayons as merged into the
// cities. Ağdərə (re-created in December 2023) is placed in Qarabağ, which is
// an assumption. Gəncə's former city districts Kəpəz and Nizami (abolished in
// 2022) are not listed.
var Districts = newList("district", i18n.T("Şəhər, rayon", "City or district", "Город, район"), Regions,
	district("baki", "binaqadi", "Binəqədi", "Binagadi", "Бинагади"),
	district("baki", "xatai", "Xətai", "Khatai", "Хатаи"),
	district("baki", "xazar", "Xəzər", "Khazar", "Хазар"),
	district("baki", "qaradag", "Qaradağ", "Garadagh", "Гарадаг"),
	district("baki", "narimanov", "Nərimanov", "Narimanov", "Нариманов"),
	district("baki", "nasimi", "Nəsimi", "Nasimi", "Насими"),
	district("baki", "nizami", "Nizami", "Nizami", "Низами"),
	district("baki", "pirallahi", "Pirallahı", "Pirallahi", "Пираллахы"),
	district("baki", "sabuncu", "Sabunçu", "Sabunchu", "Сабунчу"),
	district("baki", "sabail", "Səbail", "Sabail", "Сабаил"),
	district("baki", "suraxani", "Suraxanı", "Surakhani", "Сураханы"),
	district("baki", "yasamal", "Yasamal", "Yasamal", "Ясамал"),

	district("naxcivan", "naxcivan", "Naxçıvan", "Nakhchivan", "Нахчыван"),
	district("naxcivan", "babak", "Babək", "Babek", "Бабек"),
	district("naxcivan", "culfa", "Culfa", "Julfa", "Джульфа"),
	district("naxcivan", "kangarli", "Kəngərli", "Kangarli", "Кенгерли"),
	district("naxcivan", "ordubad", "Ordubad", "Ordubad", "Ордубад"),
	district("naxcivan", "sadarak", "Sədərək", "Sadarak", "Садарак"),
	district("naxcivan", "sahbuz", "Şahbuz", "Shahbuz", "Шахбуз"),
	district("naxcivan", "sarur", "Şərur", "Sharur", "Шарур"),

	district("abseron_xizi", "sumqayit", "Sumqayıt", "Sumgait", "Сумгайыт"),
	district("abseron_xizi", "abseron", "Abşeron", "Absheron", "Абшерон"),
	district("abseron_xizi", "xizi", "Xızı", "Khizi", "Хызы"),

	district("dagliq_sirvan", "agsu", "Ağsu", "Agsu", "Агсу"),
	district("dagliq_sirvan", "ismayilli", "İsmayıllı", "Ismayilli", "Исмаиллы"),
	district("dagliq_sirvan", "qobustan", "Qobustan", "Gobustan", "Гобустан"),
	district("dagliq_sirvan", "samaxi", "Şamaxı", "Shamakhi", "Шамахы"),

	district("ganca_daskasan", "ganca", "Gəncə", "Ganja", "Гянджа"),
	district("ganca_daskasan", "naftalan", "Naftalan", "Naftalan", "Нафталан"),
	district("ganca_daskasan", "daskasan", "Daşkəsən", "Dashkasan", "Дашкесан"),
	district("ganca_daskasan", "goranboy", "Goranboy", "Goranboy", "Геранбой"),
	district("ganca_daskasan", "goygol", "Göygöl", "Goygol", "Гёйгёль"),
	district("ganca_daskasan", "samux", "Samux", "Samukh", "Самух"),

	district("qarabag", "xankandi", "Xankəndi", "Khankendi", "Ханкенди"),
	district("qarabag", "agcabadi", "Ağcabədi", "Aghjabadi", "Агджабеди"),
	district("qarabag", "agdam", "Ağdam", "Aghdam", "Агдам"),
	district("qarabag", "barda", "Bərdə", "Barda", "Барда"),
	district("qarabag", "fuzuli", "Füzuli", "Fuzuli", "Физули"),
	district("qarabag", "xocali", "Xocalı", "Khojaly", "Ходжалы"),
	district("qarabag", "xocavand", "Xocavənd", "Khojavend", "Ходжавенд"),
	district("qarabag", "susa", "Şuşa", "Shusha", "Шуша"),
	district("qarabag", "tartar", "Tərtər", "Tartar", "Тертер"),
	district("qarabag", "agdara", "Ağdərə", "Aghdara", "Агдере"),

	district("qazax_tovuz", "agstafa", "Ağstafa", "Aghstafa", "Агстафа"),
	district("qazax_tovuz", "gadabay", "Gədəbəy", "Gadabay", "Гедабек"),
	district("qazax_tovuz", "qazax", "Qazax", "Gazakh", "Газах"),
	district("qazax_tovuz", "samkir", "Şəmkir", "Shamkir", "Шамкир"),
	district("qazax_tovuz", "tovuz", "Tovuz", "Tovuz", "Товуз"),

	district("quba_xacmaz", "xacmaz", "Xaçmaz", "Khachmaz", "Хачмаз"),
	district("quba_xacmaz", "quba", "Quba", "Guba", "Губа"),
	district("quba_xacmaz", "qusar", "Qusar", "Gusar", "Гусар"),
	district("quba_xacmaz", "siyazan", "Siyəzən", "Siyazan", "Сиязань"),
	district("quba_xacmaz", "sabran", "Şabran", "Shabran", "Шабран"),

	district("lankaran_astara", "lankaran", "Lənkəran", "Lankaran", "Ленкорань"),
	district("lankaran_astara", "astara", "Astara", "Astara", "Астара"),
	district("lankaran_astara", "calilabad", "Cəlilabad", "Jalilabad", "Джалилабад"),
	district("lankaran_astara", "lerik", "Lerik", "Lerik", "Лерик"),
	district("lankaran_astara", "masalli", "Masallı", "Masally", "Масаллы"),
	district("lankaran_astara", "yardimli", "Yardımlı", "Yardimli", "Ярдымлы"),

	district("markazi_aran", "mingacevir", "Mingəçevir", "Mingachevir", "Мингячевир"),
	district("markazi_aran", "yevlax", "Yevlax", "Yevlakh", "Евлах"),
	district("markazi_aran", "agdas", "Ağdaş", "Aghdash", "Агдаш"),
	district("markazi_aran", "goycay", "Göyçay", "Goychay", "Гёйчай"),
	district("markazi_aran", "kurdamir", "Kürdəmir", "Kurdamir", "Кюрдамир"),
	district("markazi_aran", "ucar", "Ucar", "Ujar", "Уджар"),
	district("markazi_aran", "zardab", "Zərdab", "Zardab", "Зардаб"),

	district("mil_mugan", "beylaqan", "Beyləqan", "Beylagan", "Бейлаган"),
	district("mil_mugan", "imisli", "İmişli", "Imishli", "Имишли"),
	district("mil_mugan", "saatli", "Saatlı", "Saatly", "Саатлы"),
	district("mil_mugan", "sabirabad", "Sabirabad", "Sabirabad", "Сабирабад"),

	district("saki_zaqatala", "saki", "Şəki", "Shaki", "Шеки"),
	district("saki_zaqatala", "balakan", "Balakən", "Balakan", "Балакен"),
	district("saki_zaqatala", "qax", "Qax", "Gakh", "Гах"),
	district("saki_zaqatala", "qabala", "Qəbələ", "Gabala", "Габала"),
	district("saki_zaqatala", "oguz", "Oğuz", "Oghuz", "Огуз"),
	district("saki_zaqatala", "zaqatala", "Zaqatala", "Zagatala", "Загатала"),

	district("sarqi_zangazur", "cabrayil", "Cəbrayıl", "Jabrayil", "Джебраил"),
	district("sarqi_zangazur", "kalbacar", "Kəlbəcər", "Kalbajar", "Кельбаджар"),
	district("sarqi_zangazur", "qubadli", "Qubadlı", "Gubadly", "Губадлы"),
	district("sarqi_zangazur", "lacin", "Laçın", "Lachin", "Лачин"),
	district("sarqi_zangazur", "zangilan", "Zəngilan", "Zangilan", "Зангилан"),

	district("sirvan_salyan", "sirvan", "Şirvan", "Shirvan", "Ширван"),
	district("sirvan_salyan", "bilasuvar", "Biləsuvar", "Bilasuvar", "Билясувар"),
	district("sirvan_salyan", "haciqabul", "Hacıqabul", "Hajigabul", "Гаджигабул"),
	district("sirvan_salyan", "neftcala", "Neftçala", "Neftchala", "Нефтчала"),
	district("sirvan_salyan", "salyan", "Salyan", "Salyan", "Сальян"),
)
