"""Articles in the single-byte encodings of Eastern Europe (issue 31): detected after BOM and UTF-8, not read as
Windows-1252 mojibake ("Àòàêà Killnet"); short Western texts in Windows-1252 stay Windows-1252. The articles are ours."""
from __future__ import annotations

import sqlite3

import pytest

from importers.readers import read_bytes

RU_CP1251 = ("Атака на городской водоканал",
    "В понедельник неизвестные злоумышленники взломали систему управления водоканалом небольшого города. "
    "По словам мэрии, подача воды не прерывалась, но диспетчеры два дня работали вручную. "
    "Хакеры потребовали выкуп в биткоинах и пригрозили опубликовать данные абонентов. "
    "Полиция возбудила уголовное дело.")
RU_KOI8 = ("Утечка данных в сети аптек",
    "Крупная сеть аптек сообщила об утечке персональных данных покупателей. "
    "В открытый доступ попали имена, телефоны и история заказов почти миллиона клиентов. "
    "Компания утверждает, что платёжные карты не пострадали. "
    "Эксперты связывают инцидент с уязвимостью в устаревшем веб-сервере.")
UK = ("Кібератака на обласну лікарню",
    "У четвер вірус-вимагач зашифрував комп'ютери обласної лікарні. "
    "Лікарі тимчасово повернулися до паперових карток, а планові операції перенесли на наступний тиждень. "
    "Кіберполіція розпочала ґрунтовне розслідування; її фахівці вже працюють на місці. "
    "Наразі є підозра, що зловмисники потрапили в мережу через фішинговий лист.")
PL = ("Włamanie do poczty szkół w Łodzi",
    "Nieznani sprawcy przejęli w środę konta pocztowe kilkunastu szkół w Łodzi. "
    "Z zajętych skrzynek wysłano setki fałszywych wiadomości z prośbą o pilną zapłatę faktur. "
    "Urząd miasta zablokował dostęp i zaleca rodzicom, żeby nie otwierali załączników. "
    "Śledztwo prowadzi prokuratura okręgowa.")
CS = ("Útok na nemocnici v Brně",
    "Útočníci v úterý zašifrovali servery jedné brněnské nemocnice. "
    "Lékaři museli odkládat plánované zákroky a sanitky mířily do jiných zařízení. "
    "Ředitel uvedl, že data pacientů zůstala v bezpečí. "
    "Případ vyšetřuje Národní úřad pro kybernetickou a informační bezpečnost.")
EN = ("Bank warns of “urgent” texts", "The bank said customers’ accounts were safe — for now.")
CAFE = ("Café hit by phishing", "The owner of a café in Liège said fraudsters sent fake invoices — twice.")


@pytest.mark.parametrize(("article", "encoding"), [
    (RU_CP1251, "cp1251"), (RU_KOI8, "koi8-r"), (UK, "cp1251"), (UK, "koi8-u"),
    (PL, "iso-8859-2"), (CS, "iso-8859-2"), (PL, "cp1250"), (EN, "cp1252"), (CAFE, "cp1252"),
])
def test_article_in_a_legacy_encoding_reads_as_written(article, encoding):
    title, body = article
    (doc,) = read_bytes(f"{title}\n\n{body}\n".encode(encoding), "article.txt")
    assert doc.title == title
    assert doc.text.strip() == body


def test_a_long_file_is_detected_from_its_start(tmp_path):
    title, body = RU_KOI8
    (doc,) = read_bytes((title + "\n\n" + (body + "\n") * 2000).encode("koi8-r"), "long.txt")
    assert doc.title == title and doc.text.count(body) == 2000


def test_stored_title_and_body_are_the_original_text(cli, tmp_path, db_path):
    for name, (title, body), encoding in [("ru.txt", RU_CP1251, "cp1251"), ("pl.txt", PL, "iso-8859-2")]:
        (tmp_path / name).write_bytes(f"{title}\n\n{body}\n".encode(encoding))
        cli("import", "--no-extract", "--db", db_path, tmp_path / name)
    conn = sqlite3.connect(db_path)
    rows = dict(conn.execute("SELECT title, body FROM source").fetchall())
    conn.close()
    assert rows.keys() == {RU_CP1251[0], PL[0]}
    assert rows[RU_CP1251[0]].strip() == RU_CP1251[1]
    assert rows[PL[0]].strip() == PL[1]
