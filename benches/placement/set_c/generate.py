#!/usr/bin/env python3
"""Placement set C: a third labelled set, written blind, for record placement.

    python benches/placement/set_c/generate.py --out /tmp/placement-c

Writes fixture files and truth.jsonl (the format benches/placement/run.py
scores) into --out. Standard library only; the output depends only on SEED.
Sources the earlier sets did not lean on: SCADA/PLC vendor logs, cloud and
observability agents, EV chargers (OCPP), lab instruments (HL7), SAP IDoc/RFC,
OPC UA PubSub, MQTT Sparkplug, Modbus gateways, SNMP trap forwarders, backup
tools, systemd journal exports, Windows event text and YAML-ish dumps, in 15
languages. See README.md next to this file for the conventions.
"""

# ruff: noqa: RUF001
# (the fixture text is in 15 languages: dotless i, full-width punctuation)
from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

SEED = 20260611

LANGS = ("en", "de", "zh", "ja", "cs", "tr", "hu", "th", "id", "sv", "nl", "es", "it", "ko",
         "vi")

# ---------------------------------------------------------------------------
# Sites (origins): ISO country + city + number; a native-language plant word.

SITES: dict[str, list[str]] = {
    "cs": ["CZ-PRG-01", "CZ-BRN-02", "CZ-OST-01"],
    "tr": ["TR-IST-01", "TR-BUR-02", "TR-IZM-01"],
    "hu": ["HU-BUD-01", "HU-GYR-02", "HU-DEB-01"],
    "th": ["TH-BKK-01", "TH-RYG-02", "TH-AYU-01"],
    "id": ["ID-JKT-01", "ID-BKS-02", "ID-SBY-01"],
    "sv": ["SE-GOT-01", "SE-STO-02", "SE-MMA-01"],
    "nl": ["NL-EIN-01", "NL-RTM-02", "NL-VNL-01"],
    "es": ["ES-BCN-01", "ES-VLC-02", "ES-ZAZ-01"],
    "it": ["IT-MIL-01", "IT-TOR-02", "IT-BLQ-01"],
    "ko": ["KR-ULS-01", "KR-ICN-02", "KR-CWN-01"],
    "vi": ["VN-HCM-01", "VN-HPH-02", "VN-DAD-01"],
    "zh": ["CN-SZ-02", "CN-SHA-01", "CN-TSN-03"],
    "ja": ["JP-NGO-02", "JP-OSA-01", "JP-HIJ-01"],
    "de": ["DE-STR-01", "DE-MUC-03", "DE-LEJ-02"],
    "en": ["US-DET-01", "GB-BHX-01", "MX-QRO-01", "IN-PNQ-01", "BR-SPO-01", "PL-WRO-01"],
}
ALL_SITES = [s for v in SITES.values() for s in v]
PLANT_WORD = {
    "en": "Plant", "de": "Werk", "zh": "工厂", "ja": "工場", "cs": "Závod", "tr": "Fabrika",
    "hu": "Gyár", "th": "โรงงาน", "id": "Pabrik", "sv": "Anläggning", "nl": "Vestiging",
    "es": "Planta", "it": "Stabilimento", "ko": "공장", "vi": "Nhà máy",
}
CITY = {
    "PRG": "Praha", "BRN": "Brno", "OST": "Ostrava", "IST": "İstanbul", "BUR": "Bursa",
    "IZM": "İzmir", "BUD": "Budapest", "GYR": "Győr", "DEB": "Debrecen", "BKK": "Bangkok",
    "RYG": "Rayong", "AYU": "Ayutthaya", "JKT": "Jakarta", "BKS": "Bekasi", "SBY": "Surabaya",
    "GOT": "Göteborg", "STO": "Södertälje", "MMA": "Malmö", "EIN": "Eindhoven",
    "RTM": "Rotterdam", "VNL": "Venlo", "BCN": "Barcelona", "VLC": "Valencia",
    "ZAZ": "Zaragoza", "MIL": "Milano", "TOR": "Torino", "BLQ": "Bologna", "ULS": "울산",
    "ICN": "인천", "CWN": "창원", "HCM": "TP Hồ Chí Minh", "HPH": "Hải Phòng",
    "DAD": "Đà Nẵng", "SZ": "深圳", "SHA": "上海", "TSN": "天津", "NGO": "名古屋",
    "OSA": "大阪", "HIJ": "広島", "STR": "Stuttgart", "MUC": "München", "LEJ": "Leipzig",
    "DET": "Detroit", "BHX": "Birmingham", "QRO": "Querétaro", "PNQ": "Pune",
    "SPO": "São Paulo", "WRO": "Wrocław",
}

# ---------------------------------------------------------------------------
# Destinations: ccTLD hosts and cloud endpoints that name their region.

CCTLD = [
    ("de", "DE"), ("cz", "CZ"), ("com.tr", "TR"), ("hu", "HU"), ("co.th", "TH"),
    ("co.id", "ID"), ("se", "SE"), ("nl", "NL"), ("es", "ES"), ("it", "IT"),
    ("co.kr", "KR"), ("com.vn", "VN"), ("co.jp", "JP"), ("com.cn", "CN"), ("pl", "PL"),
    ("com.mx", "MX"), ("com.br", "BR"), ("co.in", "IN"), ("co.uk", "GB"), ("fr", "FR"),
    ("ch", "CH"), ("at", "AT"), ("com.sg", "SG"), ("com.au", "AU"), ("fi", "FI"),
    ("dk", "DK"), ("pt", "PT"), ("be", "BE"), ("ro", "RO"), ("sk", "SK"), ("ie", "IE"),
    ("ca", "CA"), ("co.za", "ZA"), ("cl", "CL"), ("no", "NO"), ("com.my", "MY"),
]
CLOUD = [
    # AWS
    ("s3.eu-central-1.amazonaws.com", "DE", "obj"), ("logs.eu-west-1.amazonaws.com", "IE", "api"),
    ("monitoring.eu-north-1.amazonaws.com", "SE", "api"),
    ("kinesis.ap-southeast-1.amazonaws.com", "SG", "api"),
    ("s3.ap-northeast-2.amazonaws.com", "KR", "obj"), ("logs.us-east-1.amazonaws.com", "US", "api"),
    ("firehose.eu-south-1.amazonaws.com", "IT", "api"), ("s3.eu-west-3.amazonaws.com", "FR", "obj"),
    ("logs.sa-east-1.amazonaws.com", "BR", "api"), ("s3.ap-south-1.amazonaws.com", "IN", "obj"),
    ("a3k7odshaiipe8-ats.iot.eu-central-1.amazonaws.com", "DE", "mqtt"),
    ("b1x9q2lm4w7zr-ats.iot.ap-northeast-1.amazonaws.com", "JP", "mqtt"),
    ("s3.ap-southeast-3.amazonaws.com", "ID", "obj"),
    ("logs.eu-south-2.amazonaws.com", "ES", "api"),
    ("plant-archive.s3.eu-west-2.amazonaws.com", "GB", "obj"),
    ("s3.cn-north-1.amazonaws.com.cn", "CN", "obj"),
    # Alibaba
    ("oss-cn-hangzhou.aliyuncs.com", "CN", "obj"), ("oss-eu-central-1.aliyuncs.com", "DE", "obj"),
    ("oss-ap-southeast-1.aliyuncs.com", "SG", "obj"),
    ("oss-ap-northeast-1.aliyuncs.com", "JP", "obj"), ("cn-shanghai.log.aliyuncs.com", "CN", "api"),
    ("iot-as-mqtt.cn-shanghai.aliyuncs.com", "CN", "mqtt"),
    # Tencent
    ("cos.ap-guangzhou.myqcloud.com", "CN", "obj"),
    ("plantlogs-1250000000.cos.ap-bangkok.myqcloud.com", "TH", "obj"),
    ("cos.ap-seoul.myqcloud.com", "KR", "obj"), ("cos.eu-frankfurt.myqcloud.com", "DE", "obj"),
    ("cos.ap-jakarta.myqcloud.com", "ID", "obj"),
    # GCP
    ("europe-west3-pubsub.googleapis.com", "DE", "api"),
    ("europe-west4-pubsub.googleapis.com", "NL", "api"),
    ("asia-northeast3-pubsub.googleapis.com", "KR", "api"),
    ("asia-southeast2-pubsub.googleapis.com", "ID", "api"),
    ("europe-west8-aiplatform.googleapis.com", "IT", "api"),
    ("europe-southwest1-pubsub.googleapis.com", "ES", "api"),
    ("europe-central2-pubsub.googleapis.com", "PL", "api"),
    ("europe-north1-pubsub.googleapis.com", "FI", "api"),
    # Huawei
    ("obs.cn-north-4.myhuaweicloud.com", "CN", "obj"),
    ("obs.cn-east-3.myhuaweicloud.com", "CN", "obj"),
    ("obs.ap-southeast-2.myhuaweicloud.com", "TH", "obj"),
    ("obs.tr-west-1.myhuaweicloud.com", "TR", "obj"),
    # Oracle
    ("objectstorage.eu-frankfurt-1.oraclecloud.com", "DE", "obj"),
    ("objectstorage.eu-amsterdam-1.oraclecloud.com", "NL", "obj"),
    ("objectstorage.ap-tokyo-1.oraclecloud.com", "JP", "obj"),
    ("objectstorage.eu-stockholm-1.oraclecloud.com", "SE", "obj"),
    ("objectstorage.eu-milan-1.oraclecloud.com", "IT", "obj"),
    ("objectstorage.eu-madrid-1.oraclecloud.com", "ES", "obj"),
    ("objectstorage.ap-seoul-1.oraclecloud.com", "KR", "obj"),
    ("objectstorage.sa-saopaulo-1.oraclecloud.com", "BR", "obj"),
    ("objectstorage.uk-london-1.oraclecloud.com", "GB", "obj"),
]
AZURE_DCE = [
    ("plant-dce-x1y2.germanywestcentral-1.ingest.monitor.azure.com", "DE"),
    ("ingest-dce-7f3k.westeurope-1.ingest.monitor.azure.com", "NL"),
    ("dce-line-4k2p.swedencentral-1.ingest.monitor.azure.com", "SE"),
    ("dce-ops-9q2w.japaneast-1.ingest.monitor.azure.com", "JP"),
    ("dce-mes-2b8n.koreacentral-1.ingest.monitor.azure.com", "KR"),
]

# ---------------------------------------------------------------------------
# Words

EMAIL_NAMES = {
    "en": ["j.smith", "ops.team", "r.patel", "m.garcia"],
    "de": ["anna.schmidt", "lukas.mueller", "k.wagner"],
    "zh": ["wang.wei", "li.na", "zhang.min"],
    "ja": ["tanaka.yuki", "sato.haruto", "k.suzuki"],
    "cs": ["jan.novak", "petra.svobodova", "t.dvorak"],
    "tr": ["ayse.yilmaz", "mehmet.kaya", "e.demir"],
    "hu": ["kovacs.anna", "nagy.peter", "szabo.gabor"],
    "th": ["somchai.s", "napat.k", "pimchanok.w"],
    "id": ["budi.santoso", "siti.rahma", "agus.p"],
    "sv": ["anna.lindqvist", "erik.johansson", "s.berg"],
    "nl": ["jeroen.devries", "sanne.bakker", "p.jansen"],
    "es": ["lucia.garcia", "javier.lopez", "m.fernandez"],
    "it": ["giulia.rossi", "marco.bianchi", "l.ferrari"],
    "ko": ["minjun.kim", "seoyeon.park", "jh.lee"],
    "vi": ["nguyen.van.an", "tran.thi.mai", "le.minh"],
}
LANG_TLD = {
    "en": ["co.uk", "com.au", "ca", "us"], "de": ["de", "at", "ch"], "zh": ["com.cn", "cn"],
    "ja": ["co.jp", "jp"], "cs": ["cz"], "tr": ["com.tr"], "hu": ["hu"], "th": ["co.th"],
    "id": ["co.id"], "sv": ["se"], "nl": ["nl", "be"], "es": ["es", "com.mx"], "it": ["it"],
    "ko": ["co.kr"], "vi": ["com.vn", "vn"],
}
OPERATOR = {
    "en": "operator", "de": "Bediener", "zh": "操作员", "ja": "担当者", "cs": "obsluha",
    "tr": "operatör", "hu": "kezelő", "th": "ผู้ควบคุม", "id": "operator", "sv": "operatör",
    "nl": "operator", "es": "operador", "it": "operatore", "ko": "작업자", "vi": "người vận hành",
}
SEND = {
    "en": ["sent {n} records to {u}", "uploading {f} to {u}", "forwarding {n} events to {u}",
           "published {n} values to {u}",
           "upload to {u} failed (HTTP 503), retrying in 30 s"],
    "de": ["{n} Datensätze an {u} gesendet", "Übertrage {f} nach {u}",
           "{n} Ereignisse an {u} weitergeleitet", "{n} Werte an {u} publiziert",
           "Senden an {u} fehlgeschlagen (HTTP 503), neuer Versuch in 30 s"],
    "zh": ["已发送 {n} 条记录到 {u}", "正在上传 {f} 至 {u}", "已将 {n} 个事件转发到{u}",
           "已向 {u} 发布 {n} 个数值", "发送到 {u} 失败 (HTTP 503)，30 秒后重试"],
    "ja": ["{n} 件のレコードを {u} に送信しました", "{f} を {u} へアップロード中",
           "{n} 件のイベントを {u} に転送しました", "{n} 個の値を {u} にパブリッシュしました",
           "{u} への送信に失敗しました (HTTP 503)。30 秒後に再試行します"],
    "cs": ["odesláno {n} záznamů na {u}", "nahrávám {f} na {u}",
           "přeposláno {n} událostí na {u}", "publikováno {n} hodnot na {u}",
           "odeslání na {u} selhalo (HTTP 503), opakuji za 30 s"],
    "tr": ["{n} kayıt {u} adresine gönderildi", "{f} dosyası {u} adresine yükleniyor",
           "{n} olay {u} adresine iletildi", "{n} değer {u} adresine yayınlandı",
           "{u} adresine gönderim başarısız (HTTP 503), 30 sn sonra tekrar denenecek"],
    "hu": ["{n} rekord elküldve ide: {u}", "{f} feltöltése ide: {u}",
           "{n} esemény továbbítva ide: {u}", "{n} érték közzétéve ide: {u}",
           "a küldés sikertelen ide: {u} (HTTP 503), újrapróbálás 30 mp múlva"],
    "th": ["ส่ง {n} รายการไปยัง {u} แล้ว", "กำลังอัปโหลด {f} ไปที่ {u}",
           "ส่งต่อ {n} เหตุการณ์ไปยัง {u}", "เผยแพร่ {n} ค่าไปยัง {u}",
           "ส่งไปยัง {u} ไม่สำเร็จ (HTTP 503) จะลองใหม่ใน 30 วินาที"],
    "id": ["mengirim {n} rekaman ke {u}", "mengunggah {f} ke {u}",
           "meneruskan {n} event ke {u}", "menerbitkan {n} nilai ke {u}",
           "gagal mengirim ke {u} (HTTP 503), mencoba lagi dalam 30 detik"],
    "sv": ["skickade {n} poster till {u}", "laddar upp {f} till {u}",
           "vidarebefordrade {n} händelser till {u}", "publicerade {n} värden till {u}",
           "sändning till {u} misslyckades (HTTP 503), nytt försök om 30 s"],
    "nl": ["{n} records verzonden naar {u}", "{f} wordt geüpload naar {u}",
           "{n} gebeurtenissen doorgestuurd naar {u}", "{n} waarden gepubliceerd naar {u}",
           "verzenden naar {u} mislukt (HTTP 503), nieuwe poging over 30 s"],
    "es": ["enviados {n} registros a {u}", "subiendo {f} a {u}",
           "reenviados {n} eventos a {u}", "publicados {n} valores en {u}",
           "error al enviar a {u} (HTTP 503), reintento en 30 s"],
    "it": ["inviati {n} record a {u}", "caricamento di {f} su {u}",
           "inoltrati {n} eventi a {u}", "pubblicati {n} valori su {u}",
           "invio a {u} non riuscito (HTTP 503), nuovo tentativo tra 30 s"],
    "ko": ["{n}건을 {u}로 전송했습니다", "{f}을(를) {u}에 업로드하는 중",
           "이벤트 {n}건을 {u}로 전달함", "값 {n}개를 {u}에 게시함",
           "{u}로 전송 실패 (HTTP 503), 30초 후 재시도"],
    "vi": ["đã gửi {n} bản ghi tới {u}", "đang tải {f} lên {u}",
           "đã chuyển tiếp {n} sự kiện tới {u}", "đã xuất bản {n} giá trị lên {u}",
           "gửi tới {u} thất bại (HTTP 503), thử lại sau 30 giây"],
}
IDLE = {
    "en": "queue empty, nothing to send", "de": "Warteschlange leer, nichts zu senden",
    "zh": "队列为空，无数据发送", "ja": "キューは空です。送信するデータはありません",
    "cs": "fronta je prázdná, není co odeslat", "tr": "kuyruk boş, gönderilecek veri yok",
    "hu": "a sor üres, nincs küldendő adat", "th": "คิวว่าง ไม่มีข้อมูลที่ต้องส่ง",
    "id": "antrean kosong, tidak ada data untuk dikirim", "sv": "kön är tom, inget att skicka",
    "nl": "wachtrij leeg, niets te verzenden", "es": "cola vacía, nada que enviar",
    "it": "coda vuota, niente da inviare", "ko": "대기열이 비어 있음, 전송할 데이터 없음",
    "vi": "hàng đợi trống, không có dữ liệu để gửi",
}
# Decoys: hosts in roles other than the destination. {h} is the host.
DECOY_TEXT: dict[str, dict[str, str]] = {
    "en": {"ntp": "NTP sync with {h} failed: no response", "dns": "DNS resolver {h} timed out",
           "license": "license server {h}:27000 unreachable, grace period 72 h",
           "proxy": "proxy {h}:3128 rejected CONNECT (407)",
           "db": "config database {h}:5432 refused connection",
           "auth": "token request to https://{h}/oauth2/token failed (401)",
           "client": "accepted connection from {h}", "listen": "listening on {h}:4840",
           "docs": "see https://{h}/kb/4411", "pkg": "downloading update https://{h}/pool/"
           "main/a/agent/agent_7.2.1_amd64.deb"},
    "de": {"ntp": "NTP-Synchronisation mit {h} fehlgeschlagen",
           "dns": "DNS-Server {h} antwortet nicht",
           "license": "Lizenzserver {h}:27000 nicht erreichbar, Kulanzzeit 72 h",
           "proxy": "Proxy {h}:3128 hat CONNECT abgelehnt (407)",
           "db": "Verbindung zur Konfigurationsdatenbank {h}:5432 abgelehnt",
           "auth": "Token-Anforderung an https://{h}/oauth2/token fehlgeschlagen (401)",
           "client": "Verbindung von {h} angenommen", "listen": "lauscht auf {h}:4840",
           "docs": "siehe https://{h}/kb/4411",
           "pkg": "lade Update von https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
    "zh": {"ntp": "与 {h} 的 NTP 同步失败", "dns": "DNS 服务器 {h} 无响应",
           "license": "许可证服务器 {h}:27000 不可达，宽限期 72 小时",
           "proxy": "代理 {h}:3128 拒绝 CONNECT (407)", "db": "配置数据库 {h}:5432 拒绝连接",
           "auth": "向 https://{h}/oauth2/token 请求令牌失败 (401)",
           "client": "接受来自 {h} 的连接",
           "listen": "正在监听 {h}:4840", "docs": "参见 https://{h}/kb/4411",
           "pkg": "正在下载更新 https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
    "ja": {"ntp": "{h} との NTP 同期に失敗しました", "dns": "DNS サーバー {h} が応答しません",
           "license": "ライセンスサーバー {h}:27000 に到達できません（猶予期間 72 時間）",
           "proxy": "プロキシ {h}:3128 が CONNECT を拒否しました (407)",
           "db": "設定データベース {h}:5432 への接続が拒否されました",
           "auth": "https://{h}/oauth2/token へのトークン要求に失敗しました (401)",
           "client": "{h} からの接続を受け付けました", "listen": "{h}:4840 で待ち受け中",
           "docs": "参照: https://{h}/kb/4411",
           "pkg": "更新をダウンロード中 https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
    "cs": {"ntp": "synchronizace NTP se serverem {h} selhala", "dns": "DNS server {h} neodpovídá",
           "license": "licenční server {h}:27000 je nedostupný, lhůta 72 h",
           "proxy": "proxy {h}:3128 odmítla CONNECT (407)",
           "db": "konfigurační databáze {h}:5432 odmítla připojení",
           "auth": "požadavek na token https://{h}/oauth2/token selhal (401)",
           "client": "přijato spojení od {h}", "listen": "naslouchá na {h}:4840",
           "docs": "viz https://{h}/kb/4411",
           "pkg": "stahuji aktualizaci https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
    "tr": {"ntp": "{h} ile NTP senkronizasyonu başarısız",
           "dns": "DNS sunucusu {h} yanıt vermiyor",
           "license": "lisans sunucusu {h}:27000 erişilemez, ek süre 72 saat",
           "proxy": "vekil sunucu {h}:3128 CONNECT isteğini reddetti (407)",
           "db": "yapılandırma veritabanı {h}:5432 bağlantıyı reddetti",
           "auth": "https://{h}/oauth2/token adresinden belirteç alınamadı (401)",
           "client": "{h} adresinden gelen bağlantı kabul edildi",
           "listen": "{h}:4840 üzerinde dinleniyor", "docs": "bkz. https://{h}/kb/4411",
           "pkg": "güncelleme indiriliyor https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
    "hu": {"ntp": "NTP-szinkronizálás sikertelen: {h}",
           "dns": "a(z) {h} DNS-kiszolgáló nem válaszol",
           "license": "a licenckiszolgáló ({h}:27000) nem érhető el, türelmi idő 72 óra",
           "proxy": "a(z) {h}:3128 proxy elutasította a CONNECT kérést (407)",
           "db": "a konfigurációs adatbázis ({h}:5432) elutasította a kapcsolatot",
           "auth": "tokenkérés sikertelen: https://{h}/oauth2/token (401)",
           "client": "bejövő kapcsolat elfogadva innen: {h}", "listen": "figyelés itt: {h}:4840",
           "docs": "lásd https://{h}/kb/4411",
           "pkg": "frissítés letöltése: https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
    "th": {"ntp": "ซิงค์เวลา NTP กับ {h} ไม่สำเร็จ", "dns": "เซิร์ฟเวอร์ DNS {h} ไม่ตอบสนอง",
           "license": "เซิร์ฟเวอร์ไลเซนส์ {h}:27000 ไม่สามารถเข้าถึงได้",
           "proxy": "พร็อกซี {h}:3128 ปฏิเสธคำขอ CONNECT (407)",
           "db": "ฐานข้อมูลการตั้งค่า {h}:5432 ปฏิเสธการเชื่อมต่อ",
           "auth": "ขอโทเคนจาก https://{h}/oauth2/token ไม่สำเร็จ (401)",
           "client": "รับการเชื่อมต่อจาก {h}", "listen": "รอรับการเชื่อมต่อที่ {h}:4840",
           "docs": "ดู https://{h}/kb/4411",
           "pkg": "กำลังดาวน์โหลดอัปเดต https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
    "id": {"ntp": "sinkronisasi NTP dengan {h} gagal", "dns": "server DNS {h} tidak merespons",
           "license": "server lisensi {h}:27000 tidak dapat dijangkau, masa tenggang 72 jam",
           "proxy": "proxy {h}:3128 menolak CONNECT (407)",
           "db": "basis data konfigurasi {h}:5432 menolak koneksi",
           "auth": "permintaan token ke https://{h}/oauth2/token gagal (401)",
           "client": "koneksi diterima dari {h}", "listen": "mendengarkan di {h}:4840",
           "docs": "lihat https://{h}/kb/4411",
           "pkg": "mengunduh pembaruan https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
    "sv": {"ntp": "NTP-synkronisering med {h} misslyckades", "dns": "DNS-servern {h} svarar inte",
           "license": "licensservern {h}:27000 kan inte nås, respitperiod 72 h",
           "proxy": "proxyn {h}:3128 avvisade CONNECT (407)",
           "db": "konfigurationsdatabasen {h}:5432 nekade anslutning",
           "auth": "tokenbegäran till https://{h}/oauth2/token misslyckades (401)",
           "client": "accepterade anslutning från {h}", "listen": "lyssnar på {h}:4840",
           "docs": "se https://{h}/kb/4411",
           "pkg": "hämtar uppdatering https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
    "nl": {"ntp": "NTP-synchronisatie met {h} mislukt", "dns": "DNS-server {h} reageert niet",
           "license": "licentieserver {h}:27000 onbereikbaar, respijtperiode 72 uur",
           "proxy": "proxy {h}:3128 weigerde CONNECT (407)",
           "db": "configuratiedatabase {h}:5432 weigerde de verbinding",
           "auth": "tokenaanvraag naar https://{h}/oauth2/token mislukt (401)",
           "client": "verbinding geaccepteerd van {h}", "listen": "luistert op {h}:4840",
           "docs": "zie https://{h}/kb/4411",
           "pkg": "update downloaden van https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
    "es": {"ntp": "fallo de sincronización NTP con {h}", "dns": "el servidor DNS {h} no responde",
           "license": "servidor de licencias {h}:27000 inaccesible, periodo de gracia 72 h",
           "proxy": "el proxy {h}:3128 rechazó CONNECT (407)",
           "db": "la base de datos de configuración {h}:5432 rechazó la conexión",
           "auth": "error al solicitar token a https://{h}/oauth2/token (401)",
           "client": "conexión aceptada desde {h}", "listen": "escuchando en {h}:4840",
           "docs": "véase https://{h}/kb/4411",
           "pkg": "descargando actualización https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
    "it": {"ntp": "sincronizzazione NTP con {h} non riuscita",
           "dns": "il server DNS {h} non risponde",
           "license": "server licenze {h}:27000 non raggiungibile, tolleranza 72 h",
           "proxy": "il proxy {h}:3128 ha rifiutato CONNECT (407)",
           "db": "il database di configurazione {h}:5432 ha rifiutato la connessione",
           "auth": "richiesta token a https://{h}/oauth2/token non riuscita (401)",
           "client": "connessione accettata da {h}", "listen": "in ascolto su {h}:4840",
           "docs": "vedi https://{h}/kb/4411",
           "pkg": "download aggiornamento da https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
    "ko": {"ntp": "{h}와(과) NTP 동기화 실패", "dns": "DNS 서버 {h} 응답 없음",
           "license": "라이선스 서버 {h}:27000에 연결할 수 없음, 유예 기간 72시간",
           "proxy": "프록시 {h}:3128가 CONNECT를 거부함 (407)",
           "db": "설정 데이터베이스 {h}:5432 연결 거부",
           "auth": "https://{h}/oauth2/token 토큰 요청 실패 (401)",
           "client": "{h}에서 연결 수락", "listen": "{h}:4840에서 대기 중",
           "docs": "참고: https://{h}/kb/4411",
           "pkg": "업데이트 다운로드 중 https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
    "vi": {"ntp": "đồng bộ NTP với {h} thất bại", "dns": "máy chủ DNS {h} không phản hồi",
           "license": "không kết nối được máy chủ giấy phép {h}:27000, gia hạn 72 giờ",
           "proxy": "proxy {h}:3128 từ chối CONNECT (407)",
           "db": "cơ sở dữ liệu cấu hình {h}:5432 từ chối kết nối",
           "auth": "yêu cầu token tới https://{h}/oauth2/token thất bại (401)",
           "client": "chấp nhận kết nối từ {h}", "listen": "đang lắng nghe trên {h}:4840",
           "docs": "xem https://{h}/kb/4411",
           "pkg": "đang tải bản cập nhật https://{h}/pool/main/a/agent/agent_7.2.1_amd64.deb"},
}
DECOY_PREFIX = {"ntp": ["ntp1", "time", "ntp"], "dns": ["ns1", "dns2", "resolver"],
                "license": ["lic", "flexlm", "license"], "proxy": ["proxy", "webproxy", "gw-proxy"],
                "db": ["cfgdb", "db01", "pg-config"], "auth": ["auth", "sso", "login"],
                "client": ["hmi07", "eng-ws12", "scada-client3"],
                "listen": ["gw", "opcua", "edge"],
                "docs": ["docs", "help", "support", "kb"], "pkg": ["repo", "dl", "packages"]}
# Stack-trace frames whose file names end in a ccTLD (.py Paraguay, .pl Poland, .rs
# Serbia, .sh Saint Helena): not hosts at all.
STACK = [
    ('File "/opt/gw/forward.py", line 45, in send', "forward.py"),
    ("at Uploader::push (uploader.rs:212)", "uploader.rs"),
    ("died at /usr/lib/edge/Sender.pl line 88.", "sender.pl"),
    ("/opt/edge/bin/upload.sh: line 31: curl: exit 28", "upload.sh"),
]


# ---------------------------------------------------------------------------
# One record's choices


class Rec:
    """The placement of one record and what it says."""

    def __init__(self, rng: random.Random, lang: str, *, site_p: float = 0.8,
                 dest_pool: str = "mixed", decoy_kinds: tuple[str, ...] | None = None,
                 decoy_p: float = 0.30, null_p: float = 0.04,
                 prefixes: tuple[str, ...] = ("ingest", "collector", "gw-uplink", "data"),
                 site_lang: str | None = None) -> None:
        self.rng = rng
        self.lang = lang
        sl = site_lang or lang
        self.site = rng.choice(SITES[sl] if rng.random() < 0.85 else ALL_SITES) \
            if rng.random() < site_p else None
        self.email = f"{rng.choice(EMAIL_NAMES[lang])}@example.{self.email_tld()}"
        r = rng.random()
        has_decoy = r < decoy_p
        has_dest = not (r < decoy_p / 2) and not (decoy_p <= r < decoy_p + null_p)
        self.dest_host: str | None = None
        self.dest_cc: str | None = None
        self.dest_kind = "cc"
        if has_dest:
            self.pick_dest(dest_pool, prefixes)
        self.decoy_kind: str | None = None
        self.decoy_host: str | None = None
        self.decoy_text = ""
        if has_decoy:
            kinds = decoy_kinds or ("ntp", "dns", "license", "proxy", "db", "auth", "client",
                                    "listen", "docs", "pkg", "stack")
            self.set_decoy(rng.choice(kinds))
        self.decoy_first = rng.random() < 0.5
        self.note = ""

    def email_tld(self) -> str:
        if self.rng.random() < 0.8:
            return self.rng.choice(LANG_TLD[self.lang])
        return self.rng.choice(CCTLD)[0]

    def pick_dest(self, pool: str, prefixes: tuple[str, ...]) -> None:
        rng = self.rng
        if pool == "cc" or (pool == "mixed" and rng.random() < 0.6):
            tld, cc = rng.choice(CCTLD)
            self.dest_host = f"{rng.choice(prefixes)}.example.{tld}"
            self.dest_cc = cc
            self.dest_kind = "cc"
        elif pool == "aws":
            self.dest_host, self.dest_cc, self.dest_kind = rng.choice(
                [c for c in CLOUD if "amazonaws" in c[0]])
        elif pool == "azure":
            self.dest_host, self.dest_cc = rng.choice(AZURE_DCE)
            self.dest_kind = "api"
        else:
            self.dest_host, self.dest_cc, self.dest_kind = rng.choice(CLOUD)

    def other_cc_host(self, prefix: str) -> str:
        while True:
            tld, cc = self.rng.choice(CCTLD)
            if cc != self.dest_cc:
                return f"{prefix}.example.{tld}"

    def set_decoy(self, kind: str) -> None:
        rng = self.rng
        self.decoy_kind = kind
        if kind == "stack":
            self.decoy_text, self.decoy_host = rng.choice(STACK)
            return
        prefix = rng.choice(DECOY_PREFIX[kind])
        if kind in ("docs", "pkg") and rng.random() < 0.35:
            host = f"{prefix}.{rng.choice(['vendor-automation.com', 'plcsoft.net', 'edge.io'])}"
        else:
            host = self.other_cc_host(prefix)
        self.decoy_host = host
        self.decoy_text = DECOY_TEXT[self.lang][kind].format(h=host)

    # renderings -----------------------------------------------------------

    def url(self, schemes: tuple[str, ...] = ("https",)) -> str:
        """The destination as a URL, host:port or bare host."""
        rng = self.rng
        h = self.dest_host
        assert h
        kind = self.dest_kind
        if kind == "obj":
            return rng.choice([f"https://{h}/plant-data/2026/batch-"
                               f"{rng.randint(100, 999)}.parquet", f"https://{h}/archive/",
                               f"https://{h}"])
        if kind == "mqtt":
            return rng.choice([f"mqtts://{h}:8883", f"ssl://{h}:8883", f"{h}:8883"])
        if kind == "api":
            if "googleapis" in h:
                return rng.choice([f"https://{h}/v1/projects/plant-ops/topics/telemetry:publish",
                                   f"https://{h}"])
            return rng.choice([f"https://{h}/", f"https://{h}"])
        s = rng.choice(schemes)
        if s == "host:port":
            return f"{h}:{rng.choice([443, 8443, 9997, 5044, 1883, 8883, 2575, 4840])}"
        if s == "bare":
            return h
        port = {"mqtt": ":1883", "mqtts": ":8883", "amqps": ":5671", "opc.tcp": ":4840",
                "mllp": ":2575", "wss": "", "https": "", "kafka": ":9093",
                "tcp": ":6514"}.get(s, "")
        path = {"https": rng.choice(["/api/v2/ingest", "/upload", "/", "/v1/events"]),
                "wss": "/ocpp/", "amqps": "/telemetry"}.get(s, "")
        return f"{s}://{h}{port}{path}"

    def send_phrase(self, u: str | None = None, lang: str | None = None) -> str:
        rng = self.rng
        lang = lang or self.lang
        t = rng.choice(SEND[lang])
        return t.format(u=u or self.url(), n=rng.randint(2, 4800),
                        f=rng.choice(["batch_0412.csv", "line3-2026-03-04.parquet",
                                      "alarms.json", "trend_7d.csv"]))

    def message(self, send: str | None = None) -> str:
        """The free text: a sending phrase and/or a decoy, or an idle line."""
        parts = []
        if self.dest_host:
            parts.append(send if send is not None else self.send_phrase())
        if self.decoy_text:
            if self.decoy_first:
                parts.insert(0, self.decoy_text)
            else:
                parts.append(self.decoy_text)
        if not parts:
            parts.append(IDLE[self.lang])
        return "; ".join(parts)

    def site_value(self) -> str:
        """The site as a field value: the code, or a longer value around it."""
        assert self.site
        rng = self.rng
        code = self.site
        city = CITY.get(code.split("-")[1], "")
        form = rng.random()
        if form < 0.55:
            return code
        if form < 0.75:
            return f"{PLANT_WORD[self.lang]} {city} ({code})"
        if form < 0.9:
            return f"{city} / {code}"
        return f"{code.lower()}/hall-{rng.randint(1, 6)}"

    def host_with_site(self, prefix: str) -> str:
        """A short host name carrying the site in lower case (or none)."""
        if self.site:
            return f"{prefix}-{self.site.lower()}"
        return f"{prefix}-{self.rng.randint(1, 40):02d}"

    def truth(self, shape: str) -> dict[str, Any]:
        return {"shape": shape, "lang": self.lang, "dest_country": self.dest_cc,
                "dest_host": self.dest_host.lower() if self.dest_host else None,
                "origin_country": self.site[:2] if self.site else None,
                "decoy": self.decoy_host is not None,
                "decoy_host": self.decoy_host.lower() if self.decoy_host else None,
                **({"note": self.note} if self.note else {})}


def ts(rng: random.Random, i: int, fmt: str = "iso") -> str:
    s = 8 * 3600 + i * 7 + rng.randint(0, 6)
    hh, mm, ss = s // 3600 % 24, s // 60 % 60, s % 60
    if fmt == "iso":
        return f"2026-03-04T{hh:02d}:{mm:02d}:{ss:02d}.{rng.randint(0, 999):03d}Z"
    if fmt == "space":
        return f"2026-03-04 {hh:02d}:{mm:02d}:{ss:02d},{rng.randint(0, 999):03d}"
    if fmt == "bsd":
        return f"Mar  4 {hh:02d}:{mm:02d}:{ss:02d}"
    if fmt == "dmy":
        return f"04.03.2026 {hh:02d}:{mm:02d}:{ss:02d}"
    if fmt == "slash":
        return f"2026/03/04 {hh:02d}:{mm:02d}:{ss:02d}"
    raise ValueError(fmt)


Line = tuple[str, dict[str, Any]]


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------
# jsonl-agent: Filebeat, Logstash, Datadog agent, Azure Monitor agent (JSON logs)


def filebeat(rng: random.Random, i: int) -> Line:
    r = Rec(rng, "en", prefixes=("es01", "es-ingest", "logstash", "elastic"),
            decoy_kinds=("dns", "proxy", "auth", "docs", "pkg", "client"), dest_pool="cc")
    rec: dict[str, Any] = {"log.level": "info", "@timestamp": ts(rng, i),
                           "log.origin": {"file.name": "pipeline/client_worker.go",
                                          "file.line": 147}}
    if r.dest_host:
        out = rng.choice(["elasticsearch", "logstash"])
        port = 9200 if out == "elasticsearch" else 5044
        scheme = "https://" if out == "elasticsearch" else ""
        form = rng.random()
        if form < 0.5:
            send = (f"Connection to backoff({out}({scheme}{r.dest_host}:{port})) "
                    "established")
            rec["log.logger"] = "publisher_pipeline_output"
        elif form < 0.8:
            send = f"Connecting to backoff({out}({scheme}{r.dest_host}:{port}))"
            rec["log.logger"] = "publisher_pipeline_output"
        else:
            send = (f"Failed to publish events caused by: write tcp 10.40.2.17:53122->"
                    f"{r.dest_host}:{port}: write: connection reset by peer")
            rec["log.level"] = "error"
            rec["log.logger"] = f"{out}"
            r.note = "failed send names the destination; the client address is an IP"
    else:
        send = None
        rec["log.logger"] = "beat"
    rec["message"] = r.message(send)
    rec["service.name"] = "filebeat"
    rec["host.name"] = r.host_with_site(rng.choice(["edge", "scada-gw", "hist"]))
    fields: dict[str, Any] = {"owner": r.email}
    if r.site and rng.random() < 0.4:
        fields["site"] = r.site_value()
        rec["host.name"] = f"edge-{rng.randint(1, 30):02d}"
    rec["fields"] = fields
    rec["ecs.version"] = "1.6.0"
    return dumps(rec), r.truth("jsonl-agent")


def logstash(rng: random.Random, i: int) -> Line:
    r = Rec(rng, "en", prefixes=("es02", "es-hot", "search", "opensearch"),
            decoy_kinds=("dns", "auth", "docs", "db", "stack"), dest_pool="cc")
    pipeline = f"{r.site.lower()}-main" if r.site else rng.choice(["main", "plant-main"])
    ev: dict[str, Any] = {}
    if r.dest_host:
        form = rng.random()
        if form < 0.4:
            ev = {"message": "New Elasticsearch output", "class":
                  "LogStash::Outputs::ElasticSearch", "hosts": [f"//{r.dest_host}:9200"]}
        elif form < 0.7:
            ev = {"message": "Restored connection to ES instance",
                  "url": f"https://elastic:xxxxxx@{r.dest_host}:9200/"}
        else:
            u = r.url(("https",))
            ev = {"message": r.message(f"Sending batch of {rng.randint(5, 900)} events to {u}")}
        if r.decoy_text and ("hosts" in ev or "url" in ev):
            ev["detail"] = r.decoy_text
    else:
        ev = {"message": r.message()}
    ev.setdefault("message", "pipeline running")
    ev["notify"] = r.email
    rec = {"level": "INFO", "loggerName": "logstash.outputs.elasticsearch",
           "timeMillis": 1772611872000 + i * 997, "thread": f"[{pipeline}]>worker3",
           "logEvent": ev}
    return dumps(rec), r.truth("jsonl-agent")


def datadog(rng: random.Random, i: int) -> Line:
    r = Rec(rng, "en", prefixes=("dd-relay", "dd-proxy", "metrics-relay"),
            decoy_kinds=("proxy", "dns", "docs", "ntp", "listen"), dest_pool="cc")
    if r.dest_host:
        form = rng.random()
        u = f"https://{r.dest_host}/api/v2/series"
        if form < 0.5:
            send = (f"Successfully posted payload to \"{u}\", the agent will only log "
                    "transaction success every 500 transactions")
        elif form < 0.75:
            send = f"Forwarder started, sending to 1 endpoint(s) with 1 worker(s) : {u}"
        else:
            send = (f"Error while processing transaction: error \"503 Service Unavailable\" "
                    f"while sending transaction to \"{u}\", rescheduling it")
            r.note = "failed send names the destination"
    else:
        send = None
    tags = ["env:prod", f"service:{rng.choice(['mes', 'scada', 'historian'])}"]
    if r.site:
        tags.insert(rng.randint(0, 2), f"site:{r.site.lower() if rng.random() < 0.5 else r.site}")
    rec = {"agent": "core", "time": ts(rng, i), "level": "INFO",
           "file": "forwarder/transaction.go", "line": str(rng.randint(100, 400)),
           "msg": r.message(send), "tags": tags, "owner_email": r.email}
    return dumps(rec), r.truth("jsonl-agent")


def azure_monitor(rng: random.Random, i: int) -> Line:
    r = Rec(rng, "en", dest_pool="azure", decoy_kinds=("auth", "proxy", "dns", "pkg"),
            decoy_p=0.3)
    if r.decoy_kind == "auth" and rng.random() < 0.5:
        r.decoy_host = "login.microsoftonline.com"
        r.decoy_text = ("Failed to get MSI token from https://login.microsoftonline.com/"
                        "tenant/oauth2/v2.0/token: 400")
    rec: dict[str, Any] = {"TimeGenerated": ts(rng, i), "Level": "Info",
                           "Component": "AMACoreAgent"}
    if r.dest_host:
        u = (f"https://{r.dest_host}/dataCollectionRules/dcr-{rng.randint(10**7, 10**8)}"
             f"/streams/Custom-PlantLog?api-version=2023-01-01")
        send = rng.choice([f"Uploaded {rng.randint(10, 900)} records to {u}",
                           f"Ingestion endpoint: {u}"])
    else:
        send = None
    rec["Message"] = r.message(send)
    rec["Computer"] = r.host_with_site(rng.choice(["HMI", "ENG", "SCADA"])).upper()
    rec["ContactEmail"] = r.email
    return dumps(rec), r.truth("jsonl-agent")


# ---------------------------------------------------------------------------
# journal-json: journalctl -o json


JOURNAL_LANGS = ("en", "en", "de", "cs", "sv", "nl", "hu", "tr")


def journal(rng: random.Random, i: int) -> Line:
    lang = rng.choice(JOURNAL_LANGS)
    unit = rng.choice(["rclone-sync", "restic-backup", "mosquitto", "ocpp-client",
                       "snmptrap-fwd", "modbus-bridge", "plant-uplink"])
    prefixes = {"rclone-sync": ("backup", "archive"), "restic-backup": ("backup", "restic"),
                "mosquitto": ("broker", "mqtt"), "ocpp-client": ("csms", "ocpp"),
                "snmptrap-fwd": ("traps", "nms")}.get(unit, ("ingest", "uplink"))
    r = Rec(rng, lang, prefixes=prefixes,
            decoy_kinds=("ntp", "dns", "proxy", "license", "client", "pkg", "stack"),
            dest_pool="mixed" if unit in ("rclone-sync", "restic-backup", "plant-uplink")
            else "cc")
    send = None
    if r.dest_host:
        if unit == "rclone-sync" and r.dest_kind in ("obj", "cc"):
            send = (f"INFO  : line3/{rng.randint(1, 31):02d}.parquet: Copied (new) to "
                    f"remote plant-s3: (endpoint https://{r.dest_host})")
        elif unit == "restic-backup":
            send = f"repository 4f2a1b9c opened (version 2, compression level auto) " \
                   f"from s3:https://{r.dest_host}/plant-backups"
            if r.dest_kind not in ("obj", "cc"):
                send = r.send_phrase()
        elif unit == "mosquitto" and lang == "en":
            send = (f"Connecting bridge plant-uplink ({r.dest_host}:8883)")
        elif unit == "ocpp-client" and lang == "en":
            send = f"Connecting to CSMS wss://{r.dest_host}/ocpp/CP-{rng.randint(100, 999)}"
        elif unit == "snmptrap-fwd" and lang == "en":
            send = f"forwarding trap from 10.20.1.{rng.randint(2, 250)} to {r.dest_host}:162"
    msg = r.message(send)
    msg = f"{msg} ({OPERATOR[lang]}: {r.email})"
    hostname = r.host_with_site(rng.choice(["edge", "ipc", "gw"]))
    if rng.random() < 0.3:
        dom = rng.choice(CCTLD)[0]
        hostname = f"{hostname}.corp.example.{dom}"
        if not r.decoy_host:
            r.decoy_host = hostname
            r.decoy_kind = "ownhost"
            r.note = "the writer's own host name (FQDN) is not the destination"
    rec = {"__REALTIME_TIMESTAMP": str(1772611872000000 + i * 7919),
           "_HOSTNAME": hostname, "SYSLOG_IDENTIFIER": unit, "_SYSTEMD_UNIT": f"{unit}.service",
           "PRIORITY": "6", "_PID": str(rng.randint(300, 30000)), "MESSAGE": msg}
    return dumps(rec), r.truth("journal-json")


# ---------------------------------------------------------------------------
# jsonl-scada: localized keys, SCADA/MES/EV/lab sources

SCADA_KEYS = {
    # site, destination (main, alternative), message, operator, device
    "en": ("site", ("destination", "sink"), "message", "operator", "device"),
    "de": ("standort", ("ziel", "empfänger"), "meldung", "bediener", "anlage"),
    "zh": ("厂区", ("目的地", "上传地址"), "消息", "操作员", "设备"),
    "ja": ("拠点", ("転送先", "宛先"), "メッセージ", "担当者", "装置"),
    "cs": ("závod", ("cíl", "adresa_příjemce"), "zpráva", "obsluha", "zařízení"),
    "tr": ("tesis", ("hedef", "alıcı_sunucu"), "mesaj", "operatör", "cihaz"),
    "hu": ("telephely", ("cél", "célcím"), "üzenet", "kezelő", "eszköz"),
    "th": ("โรงงาน", ("ปลายทาง", "ที่อยู่ปลายทาง"), "ข้อความ", "ผู้ควบคุม", "อุปกรณ์"),
    "id": ("lokasi_pabrik", ("tujuan", "alamat_tujuan"), "pesan", "operator", "perangkat"),
    "sv": ("anläggning", ("mål", "mottagare"), "meddelande", "operatör", "enhet"),
    "nl": ("vestiging", ("bestemming", "doeladres"), "bericht", "operator", "apparaat"),
    "es": ("planta", ("destino", "servidor_destino"), "mensaje", "operador", "equipo"),
    "it": ("stabilimento", ("destinazione", "server_remoto"), "messaggio", "operatore",
           "dispositivo"),
    "ko": ("사업장", ("목적지", "전송_주소"), "메시지", "작업자", "장비"),
    "vi": ("nhà_máy", ("đích_đến", "máy_chủ_nhận"), "thông_điệp", "người_vận_hành",
           "thiết_bị"),
}
SCADA_SOURCES = [
    ("Ignition", ("https", "mqtts"), ("mes", "historian")),
    ("KEPServerEX IoT Gateway", ("mqtts", "https"), ("broker", "iot-hub")),
    ("OPC UA PubSub", ("mqtts", "amqps"), ("broker", "pubsub")),
    ("OCPP 1.6J", ("wss",), ("csms",)), ("HL7 MLLP", ("mllp",), ("lis", "hl7-gw")),
    ("Sparkplug B", ("mqtts", "mqtt"), ("broker", "scada-host")),
    ("CODESYS", ("https", "opc.tcp"), ("uplink", "mes")), ("TwinCAT IoT", ("mqtts",), ("broker",)),
]


def scada_json(lang: str) -> Callable[[random.Random, int], Line]:
    def gen(rng: random.Random, i: int) -> Line:
        site_k, dest_ks, msg_k, op_k, dev_k = SCADA_KEYS[lang]
        src, schemes, prefixes = rng.choice(SCADA_SOURCES)
        r = Rec(rng, lang, prefixes=prefixes,
                dest_pool="cc" if src in ("OCPP 1.6J", "HL7 MLLP") else "mixed")
        rec: dict[str, Any] = {"ts": ts(rng, i), "src": src}
        form = rng.random()
        site_in_dev = False
        if r.site:
            sf = rng.random()
            if sf < 0.6:
                rec[site_k] = r.site_value()
            elif sf < 0.8:
                site_in_dev = True
            else:
                rec["topic"] = f"spBv1.0/{r.site}/DDATA/edge{rng.randint(1, 9)}/" \
                               f"press{rng.randint(1, 20)}"
        dev = f"PLC-{r.site}-L{rng.randint(1, 9)}" if site_in_dev else \
            f"PLC-L{rng.randint(1, 9)}-{rng.randint(10, 99)}"
        rec[dev_k] = dev
        msg_send = None
        if r.dest_host:
            u = r.url(schemes)
            if form < 0.45:
                rec[dest_ks[0]] = u
            elif form < 0.65:
                rec[dest_ks[1]] = u
            elif form < 0.8:
                rec["output"] = {dest_ks[0]: u, "qos": 1}
            else:
                msg_send = r.send_phrase(u)
                r.note = "destination only in the message text"
            if msg_send is None:
                msg_send = SEND_OK[lang]
        rec[msg_k] = r.message(msg_send)
        if r.decoy_kind == "listen" and r.decoy_host:
            # own listen address, written as an endpoint field
            rec["server_endpoint"] = f"opc.tcp://{r.decoy_host}:4840"
            rec[msg_k] = r.message(msg_send).replace(r.decoy_text, "").strip("; ") or IDLE[lang]
        rec[op_k] = r.email
        return dumps(rec), r.truth("jsonl-scada")
    return gen


SEND_OK = {
    "en": "batch sent", "de": "Paket gesendet", "zh": "数据已发送", "ja": "送信完了",
    "cs": "dávka odeslána", "tr": "paket gönderildi", "hu": "csomag elküldve",
    "th": "ส่งข้อมูลแล้ว", "id": "batch terkirim", "sv": "batch skickad",
    "nl": "batch verzonden", "es": "lote enviado", "it": "lotto inviato", "ko": "전송 완료",
    "vi": "đã gửi lô dữ liệu",
}


# ---------------------------------------------------------------------------
# logfmt: edge agents, Sparkplug bridge, Modbus gateway, Telegraf-like outputs

LOGFMT_KEYS = {
    "en": (("output", "remote", "sink_url", "upstream"), ("site", "plant_id", "loc")),
    "id": (("tujuan", "server_tujuan", "kirim_ke"), ("lokasi", "kode_pabrik")),
    "sv": (("mal", "mottagare", "skicka_till"), ("anlaggning", "platskod")),
    "nl": (("bestemming", "doel", "verzend_naar"), ("vestiging", "locatiecode")),
    "tr": (("hedef", "gonderim_adresi", "sunucu"), ("tesis", "tesis_kodu")),
    "es": (("destino", "enviar_a", "servidor"), ("planta", "codigo_planta")),
}


def q(v: str) -> str:
    return f'"{v}"' if any(c in v for c in ' ="') else v


def logfmt(lang: str) -> Callable[[random.Random, int], Line]:
    def gen(rng: random.Random, i: int) -> Line:
        dks, sks = LOGFMT_KEYS[lang]
        comp = rng.choice(["sparkplug-bridge", "modbus-gw", "edge-agent", "snmp-fwd",
                           "opcua-pubsub"])
        r = Rec(rng, lang, prefixes=("broker", "mqtt", "traps", "collector", "ingest"),
                decoy_kinds=("client", "ntp", "dns", "proxy", "listen", "license", "auth"))
        pairs: list[tuple[str, str]] = [("ts", ts(rng, i)), ("level", "info"),
                                        ("component", comp)]
        if r.site:
            if rng.random() < 0.75:
                pairs.append((rng.choice(sks), r.site_value()))
            else:
                pairs.append(("group_id", r.site))
                r.note = "site as the Sparkplug group id"
        msg = None
        if comp == "modbus-gw" and rng.random() < 0.5 and not r.decoy_host:
            # the polled PLC is a source, not where the record goes
            r.set_decoy("client")
            r.decoy_text = f"poll {r.decoy_host}:502 unit=1 ok"
            r.note = "polled Modbus slave is a source"
        if r.dest_host:
            u = r.url(("mqtts", "mqtt", "host:port", "https", "tcp"))
            if rng.random() < 0.75:
                pairs.append((rng.choice(dks), u))
                msg = SEND_OK[lang]
            else:
                msg = r.send_phrase(u)
        text = r.message(msg)
        if r.decoy_kind == "client" and rng.random() < 0.4:
            pairs.append(("peer", r.decoy_host or ""))
            text = r.message(msg).replace(r.decoy_text, "").strip("; ") or IDLE[lang]
            r.note = "peer = the client that sent to us"
        pairs.append(("msg", text))
        pairs.append(("contact", r.email))
        line = " ".join(f"{k}={q(v)}" for k, v in pairs)
        return line, r.truth("logfmt")
    return gen


# ---------------------------------------------------------------------------
# CSV files: WinCC alarm export (cs, ;), FactoryTalk (en/es, ,), OCPP sessions (nl, tab),
# HL7 sends (tr, |), SAP IDoc monitor (it, ;), Thai export (th, ,)

CSV_SPECS = {
    # file, lang, delimiter, header (ts, site, device, dest, message, operator), shape
    "wincc_alarmy.csv": ("cs", ";", ["Čas", "Závod", "Zařízení", "Cíl", "Zpráva", "Obsluha"],
                         "csv-semicolon"),
    "factorytalk_export.csv": ("es", ",", ["Fecha", "Planta", "Equipo", "Destino", "Mensaje",
                                           "Operador"], "csv-comma"),
    "FTDiag_export.csv": ("en", ",", ["Timestamp", "Area", "Controller", "Target", "Message",
                                      "User"], "csv-comma"),
    "ocpp_sessies.csv": ("nl", "\t", ["Tijdstip", "Locatie", "Laadpunt", "CSMS", "Bericht",
                                      "Beheerder"], "csv-tab"),
    "hl7_gonderim.csv": ("tr", "|", ["Zaman", "Tesis", "Cihaz", "Hedef", "Mesaj", "Sorumlu"],
                         "csv-pipe"),
    "sap_idoc_monitor.csv": ("it", ";", ["Data/Ora", "Stabilimento", "Tipo IDoc",
                                         "Destinazione RFC", "Messaggio", "Utente"],
                             "csv-semicolon"),
    "บันทึกการส่ง.csv": ("th", ",", ["เวลา", "โรงงาน", "อุปกรณ์", "ปลายทาง", "ข้อความ",
                                     "ผู้ควบคุม"], "csv-comma"),
    "felhő_feltöltés.csv": ("hu", ";", ["Időpont", "Telephely", "Eszköz", "Célcím", "Üzenet",
                                        "Kezelő"], "csv-semicolon"),
}


def csv_cell(v: str, delim: str) -> str:
    if delim in v or '"' in v:
        return '"' + v.replace('"', '""') + '"'
    return v


def csv_file(name: str) -> tuple[str, Callable[[random.Random, int], Line]]:
    lang, delim, header, shape = CSV_SPECS[name]

    def gen(rng: random.Random, i: int) -> Line:
        r = Rec(rng, lang, null_p=0.06,
                prefixes=("csms", "lis", "sap-pi", "historian", "upload", "ingest"),
                decoy_kinds=("ntp", "dns", "license", "proxy", "db", "auth", "docs"))
        site = r.site_value() if r.site else ""
        dev_site = False
        if r.site and rng.random() < 0.15:
            site = ""
            dev_site = True
        if name == "ocpp_sessies.csv":
            dev = f"CP-{r.site}-{rng.randint(1, 40):03d}" if dev_site else \
                f"CP-{rng.randint(1000, 9999)}"
            dest = f"wss://{r.dest_host}/ocpp/{dev}" if r.dest_host and r.dest_kind == "cc" \
                else (r.url() if r.dest_host else "")
        elif name == "sap_idoc_monitor.csv":
            dev = rng.choice(["MATMAS05", "ORDERS05", "DESADV01", "WMMBID02"])
            dest = (f"ashost={r.dest_host} sysnr=00" if r.dest_host and r.dest_kind == "cc"
                    else (r.url() if r.dest_host else ""))
        else:
            dev = f"PLC_{r.site}_{rng.randint(1, 9)}" if dev_site else \
                f"S7-1500_{rng.randint(1, 30):02d}"
            if dev_site:
                r.note = "site inside the device name, between underscores"
            dest = r.url(("https", "host:port", "mllp", "bare")) if r.dest_host else ""
        msg = r.message(SEND_OK[lang] if r.dest_host else None)
        if dev_site and name == "sap_idoc_monitor.csv":
            msg = f"[{r.site}] {msg}"
            r.note = "site only in the message cell"
        cells = [ts(rng, i, "dmy" if lang in ("cs", "hu", "tr") else "space"), site, dev, dest,
                 msg, r.email]
        return delim.join(csv_cell(c, delim) for c in cells), r.truth(shape)
    return delim.join(header), gen


# ---------------------------------------------------------------------------
# syslog with <PRI> (RFC 5424 and RFC 3164) and without (/var/log/messages)

SYSLOG_APPS = ["splunkd", "rsyslogd", "snmptrapd", "mosquitto", "chronyd", "ocppd",
               "opcua-pub", "plc-uplink"]


def syslog_msg(r: Rec, app: str) -> str:
    rng = r.rng
    if not r.dest_host:
        if app == "chronyd" and r.decoy_host and r.decoy_kind in ("ntp",):
            r.decoy_text = f"Can't synchronise: no selectable sources ({r.decoy_host})"
        return r.message()
    h = r.dest_host
    if app == "splunkd":
        send = rng.choice([
            f"TcpOutputProc [{rng.randint(2000, 9000)} TcpOutEloop] - Connected to idx={h}:9997:0,"
            f" pset=0, reuse=0. autoBatch=1",
            f"TcpOutputProc [{rng.randint(2000, 9000)} parsing] - Cooked connection to ip={h}:9997"
            f" timed out",
        ])
    elif app == "rsyslogd":
        send = (f"action 'action-1-builtin:omfwd' resumed (module 'builtin:omfwd') "
                f"target {h}:6514")
    elif app == "snmptrapd":
        send = f"forwarding trap from 10.20.1.{rng.randint(2, 250)} to {h}:162"
    elif app == "mosquitto":
        send = f"Connecting bridge plant-uplink ({h}:8883)"
    elif app == "ocppd":
        send = f"Connecting to CSMS wss://{h}/ocpp/CP-{rng.randint(100, 999)}"
    else:
        send = r.send_phrase()
    return r.message(send)


def syslog_pri(rng: random.Random, i: int) -> Line:
    app = rng.choice(SYSLOG_APPS)
    lang = "en" if app in ("splunkd", "rsyslogd", "snmptrapd", "mosquitto", "chronyd", "ocppd") \
        else rng.choice(("de", "cs", "hu", "tr", "it", "en"))
    r = Rec(rng, lang, site_p=0.75, prefixes=("idx01", "siem", "traps", "broker", "csms", "logs"),
            decoy_kinds=("ntp", "dns", "docs", "client", "license", "stack"), dest_pool="cc"
            if app in ("splunkd", "rsyslogd", "snmptrapd", "mosquitto", "ocppd") else "mixed")
    if app == "rsyslogd" and r.decoy_kind == "docs":
        r.decoy_host = "www.rsyslog.com"
        r.decoy_text = "[v8.2302.0 try https://www.rsyslog.com/e/2359 ]"
    msg = syslog_msg(r, app)
    host = r.host_with_site(rng.choice(["fwd", "gw", "plc"]))
    if r.site and rng.random() < 0.3:
        host = host.upper()
    msg = f"{msg} contact={r.email}"
    pid = rng.randint(100, 9999)
    if rng.random() < 0.5:
        pri = rng.choice([134, 131, 30, 165])
        line = (f"<{pri}>1 {ts(rng, i)} {host} {app} {pid} - - {msg}")
    else:
        pri = rng.choice([13, 30, 134, 190])
        line = f"<{pri}>{ts(rng, i, 'bsd')} {host} {app}[{pid}]: {msg}"
    return line, r.truth("syslog-pri")


def syslog_nopri(rng: random.Random, i: int) -> Line:
    app = rng.choice(SYSLOG_APPS)
    lang = "en" if app in ("splunkd", "rsyslogd", "snmptrapd", "mosquitto", "chronyd", "ocppd") \
        else rng.choice(("sv", "nl", "es", "id", "en"))
    r = Rec(rng, lang, site_p=0.75, prefixes=("idx02", "siem", "traps", "broker", "csms"),
            decoy_kinds=("ntp", "dns", "client", "pkg", "stack"), dest_pool="cc"
            if app in ("splunkd", "rsyslogd", "snmptrapd", "mosquitto", "ocppd") else "mixed")
    msg = syslog_msg(r, app)
    host = r.host_with_site(rng.choice(["hist", "ipc", "edge"]))
    line = f"{ts(rng, i, 'bsd')} {host} {app}[{rng.randint(100, 9999)}]: {msg} " \
           f"(mail {r.email})"
    return line, r.truth("syslog-nopri")


# ---------------------------------------------------------------------------
# text-vendor: plain vendor logs

def site_prefix_text(r: Rec) -> str:
    if not r.site:
        return ""
    rng = r.rng
    f = rng.random()
    if f < 0.5:
        return f"[{r.site}] "
    if f < 0.75:
        return f"{PLANT_WORD[r.lang]} {r.site}: "
    return f"{r.site_value()} | "


def vendor_text(name: str, langs: tuple[str, ...], style: str) -> \
        Callable[[random.Random, int], Line]:
    def gen(rng: random.Random, i: int) -> Line:
        lang = rng.choice(langs)
        r = Rec(rng, lang, prefixes=("uplink", "mes", "historian", "broker", "csms", "lis",
                                     "backup", "sap-pi", "cloud-gw"),
                dest_pool="aws" if style == "cwagent" else "mixed")
        send = None
        if r.dest_host:
            u = r.url(("https", "mqtts", "host:port", "opc.tcp", "amqps", "bare"))
            if style == "ocpp" and r.dest_kind == "cc":
                send = f"Connecting to CSMS wss://{r.dest_host}/ocpp/CP-{rng.randint(1, 99):03d}"
                if lang != "en":
                    send = f"{send} — {SEND_OK[lang]}"
            elif style == "hl7" and r.dest_kind == "cc":
                send = (f"sending ORU^R01 to mllp://{r.dest_host}:2575 "
                        f"(MSH-10 {rng.randint(10**6, 10**7)})")
                if lang != "en":
                    send = f"{r.send_phrase(f'mllp://{r.dest_host}:2575')} ORU^R01"
            elif style == "backup" and r.dest_kind in ("obj", "cc"):
                send = rng.choice([
                    f"INFO  : plant/line3.tar.gz: Copied (new) to remote s3-archive: "
                    f"(endpoint https://{r.dest_host})",
                    f"using repository rest:https://backup:***@{r.dest_host}:8000/plant",
                    f"repository 91be2c0d opened from s3:https://{r.dest_host}/plant-backups",
                ])
                if lang != "en":
                    send = r.send_phrase(f"https://{r.dest_host}/plant-backups")
            elif style == "sap" and r.dest_kind == "cc":
                send = (f"IDoc {rng.randint(10**12, 10**13):016d} "
                        f"{SEND_OK[lang]}: RFC-Destination PI_OUT, ashost={r.dest_host}")
            elif style == "cwagent" and r.dest_kind in ("api", "obj"):
                send = (f"I! [outputs.cloudwatchlogs] Sending {rng.randint(1, 900)} events "
                        f"to https://{r.dest_host}/")
            else:
                send = r.send_phrase(u)
        msg = r.message(send)
        level = rng.choice(["INFO", "INFO", "WARN", "ERROR"] if r.decoy_host else ["INFO"])
        stamp = ts(rng, i, rng.choice(["space", "iso", "slash"]))
        comp = {"wincc": "WinCC OA", "twincat": "TcAdsRouter", "codesys": "CODESYS Gateway",
                "robot": "RC-Net", "ocpp": "OCPP", "hl7": "LIS-IF", "sap": "SAP-RFC",
                "backup": "backup", "cwagent": "amazon-cloudwatch-agent",
                "gateway": "PLC-GW"}[style]
        line = (f"{stamp} {level:5} [{comp}] {site_prefix_text(r)}{msg} "
                f"({OPERATOR[lang]}: {r.email})")
        return line, r.truth("text-vendor")
    return gen


# ---------------------------------------------------------------------------
# kv-yaml: one-line YAML flow mappings and `key: value` dumps

def kv_yaml(rng: random.Random, i: int) -> Line:
    lang = rng.choice(("en", "de", "es", "it", "vi", "ko", "zh", "ja"))
    r = Rec(rng, lang, prefixes=("ingest", "sink", "collector", "broker"),
            decoy_kinds=("docs", "proxy", "dns", "listen", "auth"))
    site_k, dest_ks, msg_k, op_k, _ = SCADA_KEYS[lang]
    items: list[tuple[str, str]] = [("time", ts(rng, i))]
    if r.site:
        items.append((site_k, r.site_value()))
    if r.dest_host:
        items.append((dest_ks[0], r.url(("https", "mqtts", "host:port"))))
    if r.decoy_host and r.decoy_kind in ("docs",):
        items.append(("help_url", f"https://{r.decoy_host}/kb/4411"))
        r.decoy_text = ""
    elif r.decoy_host and r.decoy_kind == "proxy":
        items.append(("proxy", f"http://{r.decoy_host}:3128"))
        r.decoy_text = ""
    items.append((msg_k, r.message(SEND_OK[lang] if r.dest_host else None)))
    items.append((op_k, r.email))
    if rng.random() < 0.5:
        body = ", ".join(f"{k}: '{v}'" if (":" in v or "," in v) else f"{k}: {v}"
                         for k, v in items)
        line = f"- {{{body}}}"
    else:
        line = "  ".join(f"{k}: {v}" for k, v in items)
    return line, r.truth("kv-yaml")


# ---------------------------------------------------------------------------
# winevent: Windows Event XML on one line, and wevtutil /f:text rendered on one line

def winevent(rng: random.Random, i: int) -> Line:
    lang = rng.choice(("en", "de", "cs", "tr", "ja", "ko", "it"))
    prov = rng.choice(["FactoryTalk Diagnostics", "WinCC", "Kepware KEPServerEX",
                       "Ignition Gateway", "SAP Connector"])
    r = Rec(rng, lang, prefixes=("mes", "historian", "uplink", "sap-pi"),
            decoy_kinds=("license", "dns", "db", "auth", "client"))
    comp = r.host_with_site(rng.choice(["HMI", "ENG", "SRV"])).upper()
    fqdn = rng.random() < 0.35
    if fqdn:
        comp = f"{comp}.corp.example.{rng.choice(CCTLD)[0]}"
        if not r.decoy_host:
            r.decoy_host = comp.lower()
            r.decoy_kind = "ownhost"
            r.note = "Computer is the writer's own host"
    target = r.url(("https", "opc.tcp", "host:port")) if r.dest_host else ""
    msg = r.message(r.send_phrase(target) if target and rng.random() < 0.5 else
                    (SEND_OK[lang] if target else None))
    eid = rng.choice([1004, 3001, 4112, 7036])
    xml = rng.random() < 0.5
    if xml and not r.decoy_host:
        r.decoy_host = "schemas.microsoft.com"
        r.decoy_kind = "schema"
        r.note = "the XML namespace URL is not a destination"
    if xml:
        data = f"<Data Name='Message'>{msg}</Data><Data Name='Contact'>{r.email}</Data>"
        if target and SEND_OK[lang] in msg:
            data = f"<Data Name='Target'>{target}</Data>" + data
        line = ("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
                f"<Provider Name='{prov}'/><EventID>{eid}</EventID><Level>4</Level>"
                f"<TimeCreated SystemTime='{ts(rng, i)}'/><Computer>{comp}</Computer></System>"
                f"<EventData>{data}</EventData></Event>")
    else:
        extra = f"Target: {target} " if target and SEND_OK[lang] in msg else ""
        line = (f"Log Name: Application  Source: {prov}  Date: {ts(rng, i)}  Event ID: {eid}  "
                f"Level: Information  Computer: {comp}  Description: {extra}{msg} "
                f"Contact: {r.email}")
    return line, r.truth("winevent")


# ---------------------------------------------------------------------------
# Files

def files() -> list[tuple[str, str | None, Callable[[random.Random, int], Line], int]]:
    """(file name, header line or None, generator, records)."""
    out: list[tuple[str, str | None, Callable[[random.Random, int], Line], int]] = [
        ("filebeat.jsonl", None, filebeat, 45),
        ("logstash-plain.jsonl", None, logstash, 35),
        ("datadog-agent.jsonl", None, datadog, 35),
        ("azuremonitoragent.jsonl", None, azure_monitor, 30),
        ("journal-export.jsonl", None, journal, 120),
    ]
    for lang in SCADA_KEYS:
        out.append((f"scada-{lang}.jsonl", None, scada_json(lang), 14))
    for lang in LOGFMT_KEYS:
        out.append((f"edge-{lang}.logfmt", None, logfmt(lang), 22))
    for name in CSV_SPECS:
        header, gen = csv_file(name)
        out.append((name, header, gen, 26))
    out += [
        ("forwarders.syslog", None, syslog_pri, 120),
        ("messages.log", None, syslog_nopri, 80),
        ("wincc-oa.log", None, vendor_text("wincc", ("de", "cs", "hu"), "wincc"), 30),
        ("twincat.log", None, vendor_text("twincat", ("de", "en"), "twincat"), 24),
        ("codesys.log", None, vendor_text("codesys", ("it", "hu", "cs"), "codesys"), 24),
        ("robot-ctrl.log", None, vendor_text("robot", ("ja", "ko", "zh"), "robot"), 30),
        ("ocpp-chargepoint.log", None, vendor_text("ocpp", ("sv", "nl", "en"), "ocpp"), 30),
        ("lis-hl7.log", None, vendor_text("hl7", ("tr", "id", "th", "en"), "hl7"), 30),
        ("sap-rfc.log", None, vendor_text("sap", ("es", "it", "de"), "sap"), 24),
        ("backup.log", None, vendor_text("backup", ("en", "vi", "zh"), "backup"), 30),
        ("amazon-cloudwatch-agent.log", None, vendor_text("cwagent", ("en",), "cwagent"), 24),
        ("plc-gateway.log", None, vendor_text("gateway", ("th", "id", "vi", "ko", "sv", "es"),
                                                 "gateway"), 36),
        ("config-dump.txt", None, kv_yaml, 70),
        ("eventlog.txt", None, winevent, 70),
    ]
    return out


def generate(out: Path) -> list[dict[str, Any]]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    truth: list[dict[str, Any]] = []
    for name, header, gen, n in files():
        lines: list[str] = []
        if header is not None:
            lines.append(header)
        for i in range(n):
            text, t = gen(rng, i)
            assert "\n" not in text and "\r" not in text, (name, text)
            lines.append(text)
            truth.append({"file": name, "line": len(lines), **t})
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (out / "truth.jsonl").open("w", encoding="utf-8") as f:
        for t in truth:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    return truth


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="directory to write into")
    args = ap.parse_args()
    truth = generate(args.out)
    print(f"{len(truth)} records in {len({t['file'] for t in truth})} files -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
