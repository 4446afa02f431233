# ruff: noqa: E501, RUF001
# (the phrasings are data: one phrasing a line, CJK punctuation as written)
"""Record templates of set (d), written blind (see README.md).

A template is a function of a `random.Random` that returns a dict:

- `m`: the free text, per language (every language the template speaks);
- `f`: structured fields, a list of (key, value), rendered in the file's dialect;
- `c`: extra categories this draw carries (besides the template's own);
- `look`: look-alike identifiers in it, (kind, value);
- `lv`: the level, when the draw decides it (else one of the template's `lv`).

`T(cats, name, lv)` registers it; the first category is the one the generator's quota
counts (`none` for records without a category).
"""

from __future__ import annotations

import random
from collections.abc import Callable

import ids
import values as V

Draw = dict
TEMPLATES: list[dict] = []


def T(cats: str, name: str, lv: str = "info") -> Callable:
    def reg(fn: Callable[[random.Random], Draw]) -> Callable:
        # the languages every draw speaks (a draw may pick among phrasings)
        langs = set.intersection(*(set(fn(random.Random(i))["m"]) for i in range(24)))
        TEMPLATES.append({"name": name, "cats": [c for c in cats.split() if c != "none"],
                          "primary": cats.split()[0], "lv": lv.split(), "fn": fn,
                          "langs": sorted(langs)})
        return fn
    return reg


def dc(x: str, lang: str) -> str:
    """Decimal comma where the language writes one."""
    return x.replace(".", ",") if lang in ("de", "fr", "es", "pt", "it", "vi") else x


def U(r: random.Random, lo: float, hi: float, nd: int = 1) -> float:
    return round(r.uniform(lo, hi), nd)


def per_lang(fn: Callable[[str], str], langs: str) -> dict[str, str]:
    return {lang: fn(lang) for lang in langs.split()}


# =========================================================================== sensor


@T("sensor", "sensor.spindle_bearing")
def _(r):
    t, h = U(r, 31, 68), U(r, 24, 40)
    ax = r.choice(["S1", "S2", "C1"])
    return {"m": {
        "en": f"spindle {ax} bearing temperature {t} °C, housing {h} °C",
        "de": f"Spindel {ax}: Lagertemperatur {dc(str(t), 'de')} °C, Gehäuse {dc(str(h), 'de')} °C",
        "zh": f"主轴{ax}轴承温度 {t}℃，壳体温度 {h}℃",
        "ja": f"主軸{ax} ベアリング温度 {t}℃ / ハウジング {h}℃",
        "vi": f"Trục chính {ax}: nhiệt độ ổ bi {dc(str(t), 'vi')} °C, vỏ {dc(str(h), 'vi')} °C",
        "ko": f"주축 {ax} 베어링 온도 {t}℃, 하우징 {h}℃",
        "it": f"mandrino {ax}: temperatura cuscinetto {dc(str(t), 'it')} °C"}, "f": []}


@T("sensor", "sensor.hydraulics")
def _(r):
    p, o = U(r, 120, 210), U(r, 38, 55)
    unit = r.choice(["HPU-1", "HPU-2", "Presse 5"])
    return {"m": {
        "en": f"hydraulic unit {unit}: system pressure {p} bar, oil temp {o} C",
        "de": f"Hydraulikaggregat {unit}: Systemdruck {dc(str(p), 'de')} bar, Öltemperatur {dc(str(o), 'de')} °C",
        "zh": f"液压站{unit} 系统压力 {p} bar 油温 {o}℃",
        "ja": f"油圧ユニット{unit} 系統圧力 {p} bar 油温 {o}℃",
        "vi": f"Trạm thủy lực {unit}: áp suất {p} bar, nhiệt độ dầu {o} °C",
        "pt": f"unidade hidráulica {unit}: pressão {dc(str(p), 'pt')} bar, óleo {dc(str(o), 'pt')} °C"},
        "f": [("pressure_bar", p), ("oil_temp_c", o)] if r.random() < 0.5 else []}


@T("sensor", "sensor.vibration")
def _(r):
    v, a = U(r, 0.4, 6.8, 2), U(r, 0.1, 3.5, 2)
    m = r.choice(["M-101 fan", "pump P-204", "gearbox GB3"])
    return {"m": {
        "en": f"vibration {m}: velocity RMS {v} mm/s, acceleration peak {a} g (ISO 10816 zone B)",
        "de": f"Schwingung {m}: v_eff {dc(str(v), 'de')} mm/s, a_peak {dc(str(a), 'de')} g",
        "zh": f"振动监测 {m}：速度有效值 {v} mm/s，加速度峰值 {a} g",
        "ja": f"振動 {m}: 速度実効値 {v} mm/s, 加速度ピーク {a} G",
        "vi": f"Rung động {m}: vận tốc RMS {v} mm/s, gia tốc đỉnh {a} g",
        "fr": f"vibration {m} : vitesse efficace {dc(str(v), 'fr')} mm/s"},
        "f": [("vrms_mm_s", v)] if r.random() < 0.4 else []}


@T("sensor", "sensor.smart_meter")
def _(r):
    e, p = U(r, 10000, 480000, 1), U(r, 5, 220, 2)
    l1, l2, l3 = (U(r, 226, 236) for _ in range(3))
    return {"m": {
        "en": f"meter EM-{r.randint(1, 40):02d} read: 1-0:1.8.0 = {e} kWh, P = {p} kW, U L1/L2/L3 {l1}/{l2}/{l3} V",
        "de": f"Zähler EM-{r.randint(1, 40):02d} ausgelesen: Bezug 1.8.0 {dc(str(e), 'de')} kWh, Wirkleistung {dc(str(p), 'de')} kW",
        "zh": f"电表EM-{r.randint(1, 40):02d}抄表：正向有功总电能 {e} kWh，有功功率 {p} kW",
        "ja": f"電力量計EM-{r.randint(1, 40):02d} 有効電力量 {e} kWh 有効電力 {p} kW",
        "vi": f"Công tơ EM-{r.randint(1, 40):02d}: điện năng {e} kWh, công suất {p} kW"}, "f": []}


@T("sensor", "sensor.bms")
def _(r):
    soc, vmin, vmax, t = r.randint(18, 99), U(r, 3.20, 3.35, 3), U(r, 3.36, 3.48, 3), U(r, 18, 41)
    return {"m": {
        "en": f"BMS pack 2: SOC {soc}%, cell min {vmin} V max {vmax} V, max temp {t} °C",
        "de": f"BMS Batterie 2: Ladezustand {soc} %, Zellspannung min {dc(str(vmin), 'de')} V / max {dc(str(vmax), 'de')} V",
        "zh": f"电池管理系统 2号电池包 SOC {soc}% 单体最低 {vmin} V 最高 {vmax} V 温度 {t}℃",
        "ja": f"BMS パック2 SOC {soc}% セル電圧 最小 {vmin} V 最大 {vmax} V",
        "vi": f"BMS bộ pin 2: SOC {soc}%, điện áp cell thấp nhất {vmin} V, cao nhất {vmax} V",
        "ko": f"BMS 팩 2 SOC {soc}% 셀 전압 최소 {vmin} V 최대 {vmax} V"},
        "f": [("soc_pct", soc), ("cell_vmax", vmax)] if r.random() < 0.4 else []}


@T("sensor", "sensor.j1939")
def _(r):
    rpm, cool, spd = r.randint(650, 2100), r.randint(72, 96), U(r, 0, 88)
    return {"m": {
        "en": f"J1939 PGN 61444 EEC1 engine speed {rpm} rpm; PGN 65262 coolant {cool} C; vehicle speed {spd} km/h",
        "de": f"CAN J1939: Motordrehzahl {rpm} 1/min, Kühlmitteltemperatur {cool} °C, Geschwindigkeit {dc(str(spd), 'de')} km/h",
        "zh": f"CAN总线 J1939 发动机转速 {rpm} rpm 冷却液温度 {cool}℃ 车速 {spd} km/h",
        "ja": f"J1939 エンジン回転数 {rpm} rpm 冷却水温 {cool}℃ 車速 {spd} km/h",
        "vi": f"J1939: tốc độ động cơ {rpm} vòng/phút, nhiệt độ nước làm mát {cool} °C"},
        "f": [("can_if", "can0"), ("src_addr", "0x00")]}


@T("sensor", "sensor.obd")
def _(r):
    rpm, load, maf = r.randint(700, 3400), r.randint(12, 78), U(r, 2, 40, 2)
    return {"m": {"en": f"OBD-II mode 01: PID 0C rpm={rpm} PID 04 load={load}% PID 10 maf={maf} g/s"},
            "f": [("elm", "ELM327 v1.5")]}


@T("sensor", "sensor.prometheus")
def _(r):
    tank = r.choice(["T-201", "T-305", "SILO-2"])
    lv, fl = U(r, 5, 98), U(r, 0.5, 42, 2)
    return {"m": {"en": f'plant_tank_level_percent{{tank="{tank}"}} {lv} | '
                        f'plant_flow_m3h{{line="FT-{r.randint(100, 400)}"}} {fl}'}, "f": []}


@T("sensor", "sensor.influx_line")
def _(r):
    t, p = U(r, 60, 92, 2), U(r, 1.1, 3.9, 3)
    return {"m": {"en": f"boiler,unit=B2,site=DE-DUI-02 supply_temp={t},pressure_bar={p},"
                        f"burner_on=true {1772611200 + r.randint(0, 86400)}000000000"}, "f": []}


@T("sensor", "sensor.cleanroom")
def _(r):
    rh, t, pc = U(r, 38, 52), U(r, 20.5, 22.5, 2), r.randint(300, 3400)
    room = r.choice(["CR-2", "ISO7-A", "Reinraum 3"])
    return {"m": {
        "en": f"{room}: humidity {rh} %rH, temperature {t} °C, particles ≥0.5 µm {pc}/m³",
        "de": f"{room}: rel. Feuchte {dc(str(rh), 'de')} %, Temperatur {dc(str(t), 'de')} °C, Partikel ≥0,5 µm {pc}/m³",
        "zh": f"洁净室{room} 湿度 {rh}%RH 温度 {t}℃ 0.5µm粒子 {pc}/m³",
        "ja": f"クリーンルーム{room} 湿度 {rh}%RH 温度 {t}℃ 粒子数(0.5µm) {pc}/m³",
        "vi": f"Phòng sạch {room}: độ ẩm {rh} %RH, nhiệt độ {t} °C",
        "es": f"sala limpia {room}: humedad {dc(str(rh), 'es')} %HR, temperatura {dc(str(t), 'es')} °C"},
        "f": [("rh", rh)] if r.random() < 0.3 else []}


@T("sensor", "sensor.amr_pose")
def _(r):
    x, y, th = U(r, -40, 80, 3), U(r, -20, 60, 3), U(r, -3.14, 3.14, 3)
    amr = r.choice(["AMR-07", "MiR250-3", "agv12"])
    return {"m": {
        "en": f"{amr} localization pose map=hall2 x={x} y={y} theta={th} cov=0.021; lidar obstacle at 1.84 m, bearing 12 deg",
        "de": f"{amr} Lokalisierung Karte hall2: x={x} m y={y} m θ={th} rad, Hindernis in 1,84 m",
        "zh": f"{amr} 定位位姿 地图hall2 x={x} y={y} yaw={th}，激光雷达障碍物 1.84 m",
        "ja": f"{amr} 自己位置 map=hall2 x={x} y={y} θ={th} / LiDAR障害物 1.84 m",
        "vi": f"{amr} định vị bản đồ hall2 x={x} y={y} góc={th}"}, "f": []}


@T("sensor", "sensor.opcua_value")
def _(r):
    v = U(r, 120, 420, 2)
    return {"m": {
        "en": f"DataChange ns=3;s=Line4.Press2.Force value={v} kN status=Good",
        "de": f"Wertänderung ns=3;s=Linie4.Presse2.Kraft = {dc(str(v), 'de')} kN (Good)",
        "zh": f"数据变化 ns=3;s=Line4.Press2.Force 压力 {v} kN 状态Good",
        "ja": f"データ変化 ns=3;s=Line4.Press2.Force 荷重 {v} kN Good"},
        "f": [("sub_id", r.randint(1, 40))]}


@T("sensor", "sensor.wireless_node")
def _(r):
    rssi, bat, t = r.randint(-92, -48), U(r, 2.7, 3.3, 2), U(r, -5, 35)
    return {"m": {
        "en": f"LoRaWAN node cold-store-4 uplink: temp {t} C, battery {bat} V, RSSI {rssi} dBm, SNR 7.5",
        "de": f"Funksensor Kühlhaus-4: Temperatur {dc(str(t), 'de')} °C, Batterie {dc(str(bat), 'de')} V, RSSI {rssi} dBm",
        "zh": f"无线节点 冷库4 温度 {t}℃ 电池 {bat} V 信号 {rssi} dBm",
        "ja": f"無線センサ 冷蔵庫4 温度 {t}℃ 電池 {bat} V RSSI {rssi} dBm",
        "vi": f"Nút cảm biến kho lạnh 4: nhiệt độ {t} °C, pin {bat} V, RSSI {rssi} dBm",
        "ko": f"무선 센서 냉동창고4 온도 {t}℃ 배터리 {bat} V RSSI {rssi} dBm"},
        "f": [("fcnt", r.randint(100, 90000))]}


@T("sensor", "sensor.motor_current")
def _(r):
    i, tq = U(r, 3, 48, 2), U(r, 5, 120)
    ax = r.choice(["X", "Y", "Z", "B"])
    return {"m": {
        "en": f"axis {ax} motor current {i} A, torque {tq} Nm",
        "de": f"Achse {ax}: Motorstrom {dc(str(i), 'de')} A, Drehmoment {dc(str(tq), 'de')} Nm",
        "zh": f"{ax}轴电机电流 {i} A 扭矩 {tq} N·m",
        "ja": f"{ax}軸 モータ電流 {i} A トルク {tq} N·m",
        "vi": f"Trục {ax}: dòng động cơ {i} A, mô-men {tq} Nm",
        "fr": f"axe {ax} : courant moteur {dc(str(i), 'fr')} A, couple {dc(str(tq), 'fr')} Nm"},
        "f": [("i_a", i)] if r.random() < 0.3 else []}


# =========================================================================== diagnostic


@T("diagnostic", "diagnostic.fanuc", lv="warning error error info")
def _(r):
    code, text = r.choice([("SV0401", "V READY OFF"), ("OT0500", "+ OVERTRAVEL (SOFT 1)"),
                           ("SP9012", "SPINDLE EXCESS ERROR"), ("SV0436", "SOFTTHERMAL (OVC)"),
                           ("PS0070", "NO PROGRAM SPACE IN MEMORY")])
    ax = r.choice(["X", "Z", "B"])
    return {"m": {
        "en": f"FANUC alarm {code} {text} axis {ax}",
        "de": f"FANUC-Alarm {code} {text}, Achse {ax}",
        "zh": f"发那科报警 {code} {text}（{ax}轴）",
        "ja": f"ファナックアラーム {code} {text} {ax}軸",
        "vi": f"Báo động FANUC {code} {text}, trục {ax}",
        "ko": f"FANUC 알람 {code} {text} {ax}축"}, "f": [("cnc", r.choice(["0i-MF", "31i-B5"]))]}


@T("diagnostic", "diagnostic.sinumerik", lv="warning error")
def _(r):
    no, de, en = r.choice([
        ("25040", "Achse X1 Stillstandsüberwachung", "axis X1 standstill monitoring"),
        ("21612", "Kanal 1 Achse Z1 Reglerfreigabe während der Bewegung zurückgesetzt",
         "channel 1 axis Z1 controller enable reset during motion"),
        ("25000", "Achse Y1 Hardwarefehler aktiver Geber", "axis Y1 hardware fault active encoder"),
        ("2000", "Lebenszeichenüberwachung PLC", "sign-of-life monitoring PLC")])
    return {"m": {
        "en": f"SINUMERIK alarm {no}: {en}", "de": f"SINUMERIK Alarm {no}: {de}",
        "zh": f"西门子数控报警 {no}：{en}", "ja": f"SINUMERIK アラーム {no}: {en}",
        "vi": f"Cảnh báo SINUMERIK {no}: {en}"}, "f": []}


@T("diagnostic", "diagnostic.s7_buffer", lv="warning error info")
def _(r):
    ev = r.choice(["16#39C4", "16#38C4", "16#4562"])
    dev = r.choice(["et200-line4", "io-dev-07", "vfd-conv-2"])
    return {"m": {
        "en": f"S7-1500 diagnostic buffer: event {ev} PROFINET IO device '{dev}' station failure",
        "de": f"Diagnosepuffer S7-1500: Ereignis {ev} Ausfall PROFINET-IO-Device '{dev}'",
        "zh": f"S7-1500诊断缓冲区：事件 {ev} PROFINET IO设备 '{dev}' 站故障",
        "ja": f"S7-1500 診断バッファ: イベント {ev} PROFINET IOデバイス '{dev}' ステーション異常",
        "vi": f"Bộ đệm chẩn đoán S7-1500: sự kiện {ev}, thiết bị PROFINET '{dev}' mất kết nối"},
        "f": [("rack", 0), ("slot", r.randint(1, 9))]}


@T("diagnostic", "diagnostic.kuka_abb", lv="warning error critical")
def _(r):
    m = r.choice([
        {"en": "KSS00404 emergency stop, robot KR-cell-4", "de": "KSS00404 NOT-HALT ausgelöst, Roboter Zelle 4",
         "zh": "KSS00404 急停，机器人工位4", "ja": "KSS00404 非常停止 ロボットセル4",
         "vi": "KSS00404 dừng khẩn cấp, robot ô 4", "ko": "KSS00404 비상 정지, 로봇 셀 4"},
        {"en": "ABB event 50204 Motion supervision triggered on rob1 axis 3 (collision)",
         "de": "ABB Ereignis 50204 Bewegungsüberwachung rob1 Achse 3 ausgelöst (Kollision)",
         "zh": "ABB事件50204 运动监控触发 rob1 第3轴（碰撞）",
         "ja": "ABB イベント50204 モーション監視 rob1 3軸 衝突検出",
         "vi": "ABB sự kiện 50204: giám sát chuyển động rob1 trục 3 (va chạm)",
         "fr": "ABB événement 50204 supervision de mouvement rob1 axe 3 (collision)"},
        {"en": "YRC1000 alarm 4100 OVERRUN (ROBOT) R1", "de": "YRC1000 Alarm 4100 OVERRUN (ROBOT) R1",
         "zh": "安川YRC1000 报警4100 超程 R1", "ja": "YRC1000 アラーム4100 オーバーラン(ロボット) R1",
         "vi": "YRC1000 báo động 4100 OVERRUN R1"}])
    return {"m": m, "f": []}


@T("diagnostic", "diagnostic.k8s_crash", lv="warning error")
def _(r):
    pod = f"{r.choice(['opcua-bridge', 'mes-api', 'historian-writer'])}-{V.hexs(r, 9)}-{V.hexs(r, 5)}"
    why = r.choice(["CrashLoopBackOff", "OOMKilled (exit code 137)", "Error (exit code 1)"])
    return {"m": {"en": f"Back-off restarting failed container in pod {pod}: {why}",
                  "de": f"Container im Pod {pod} wird nach Absturz neu gestartet: {why}",
                  "zh": f"Pod {pod} 中容器反复崩溃重启：{why}",
                  "ja": f"Pod {pod} のコンテナが異常終了し再起動待ち: {why}"},
            "f": [("namespace", "mes"), ("restarts", r.randint(3, 40))]}


@T("diagnostic", "diagnostic.pg_deadlock", lv="error")
def _(r):
    return {"m": {"en": f"deadlock detected: process {r.randint(1000, 60000)} waits for ShareLock on "
                        f"transaction {r.randint(10**6, 10**7)}; blocked by process {r.randint(1000, 60000)}",
                  "de": "Verklemmung (Deadlock) entdeckt: Prozess wartet auf ShareLock",
                  "ja": "デッドロックを検出しました"}, "f": []}


@T("diagnostic", "diagnostic.upstream_timeout", lv="error warning")
def _(r):
    return {"m": {"en": "upstream timed out (110: Connection timed out) while reading response header "
                        "from upstream, request: \"GET /api/v2/orders HTTP/1.1\", upstream: "
                        "\"http://mes-api.svc.local:8080/api/v2/orders\""},
            "f": []}


@T("diagnostic", "diagnostic.maintenance", lv="info notice")
def _(r):
    h = r.choice([500, 1000, 2000, 4000])
    comp = r.choice([("spindle lubrication", "Spindelschmierung", "主轴润滑", "主軸潤滑", "bôi trơn trục chính"),
                     ("hydraulic filter", "Hydraulikfilter", "液压滤芯", "油圧フィルタ", "lọc thủy lực"),
                     ("ball screw X", "Kugelgewindetrieb X", "X轴滚珠丝杠", "X軸ボールねじ", "vít me bi X")])
    done = r.random() < 0.5
    if done:
        m = {"en": f"maintenance done: {comp[0]} replaced, counter reset ({h} h interval)",
             "de": f"Wartung erledigt: {comp[1]} getauscht, Zähler zurückgesetzt (Intervall {h} h)",
             "zh": f"保养完成：已更换{comp[2]}，计数器清零（周期 {h} h）",
             "ja": f"保守完了: {comp[3]}交換、カウンタリセット(周期 {h} h)",
             "vi": f"Đã bảo trì: thay {comp[4]}, đặt lại bộ đếm (chu kỳ {h} h)",
             "es": f"mantenimiento realizado: {comp[0]} sustituido, contador a cero"}
    else:
        m = {"en": f"maintenance due: {comp[0]} interval {h} h reached",
             "de": f"Wartung fällig: {comp[1]}, Intervall {h} h erreicht",
             "zh": f"保养到期：{comp[2]} 已达 {h} 小时",
             "ja": f"保守時期到来: {comp[3]} {h}時間経過",
             "vi": f"Đến hạn bảo trì: {comp[4]} đã đạt {h} giờ",
             "es": f"mantenimiento pendiente: {comp[0]}, intervalo de {h} h alcanzado"}
    return {"m": m, "f": [("op_hours", r.randint(h, h * 6))]}


@T("diagnostic", "diagnostic.watchdog", lv="warning error info")
def _(r):
    return {"m": {"en": "controller restarted after watchdog reset (reset cause: WDT timeout)",
                  "de": "Steuerung nach Watchdog-Reset neu gestartet (Ursache: WDT-Timeout)",
                  "zh": "控制器看门狗复位后重启（原因：WDT超时）",
                  "ja": "ウォッチドッグリセットによりコントローラ再起動 (要因: WDTタイムアウト)",
                  "vi": "Bộ điều khiển khởi động lại do watchdog reset (WDT timeout)"},
            "f": [("boot_count", r.randint(2, 300))]}


@T("diagnostic", "diagnostic.exception", lv="error error warning")
def _(r):
    m = r.choice([
        f"java.net.SocketTimeoutException: Read timed out at com.plant.mes.OrderClient.poll(OrderClient.java:{r.randint(80, 400)})",
        f"Traceback (most recent call last): File \"/app/collector.py\", line {r.randint(20, 300)}, in poll KeyError: 'Line4.Press2.Force'",
        "System.InvalidOperationException: The connection was not closed. The connection's current state is open.",
        f"panic: runtime error: index out of range [{r.randint(3, 20)}] with length 3 goroutine 17 [running]"])
    return {"m": {"en": m}, "f": []}


@T("diagnostic", "diagnostic.comm_loss", lv="warning error")
def _(r):
    dev = r.choice(["boiler-ctrl", "chiller-2", "scale-ws3", "vfd-conv-2"])
    return {"m": {
        "en": f"Modbus TCP device '{dev}' not responding (timeout 3000 ms, 3 retries)",
        "de": f"Kommunikationsstörung: Modbus-Teilnehmer '{dev}' antwortet nicht (Timeout 3000 ms)",
        "zh": f"通讯故障：Modbus设备'{dev}'无响应（超时3000 ms，重试3次）",
        "ja": f"通信異常: Modbus機器 '{dev}' 応答なし (タイムアウト 3000 ms)",
        "vi": f"Mất liên lạc: thiết bị Modbus '{dev}' không phản hồi (quá thời gian 3000 ms)",
        "it": f"errore di comunicazione: dispositivo Modbus '{dev}' non risponde"}, "f": [("unit_id", r.randint(1, 30))]}


@T("diagnostic", "diagnostic.dtc", lv="warning info")
def _(r):
    m = r.choice([
        {"en": "OBD DTC P0217 engine coolant over temperature condition stored",
         "de": "Fehlerspeicher OBD: P0217 Motorübertemperatur", "zh": "OBD故障码 P0217 发动机过热",
         "ja": "OBD故障コード P0217 エンジン過熱", "vi": "Mã lỗi OBD P0217: động cơ quá nhiệt"},
        {"en": f"J1939 DM1 active: SPN {r.choice([110, 100, 3251])} FMI {r.choice([0, 1, 16])} OC 2 lamp=amber",
         "de": f"J1939 DM1 aktiv: SPN {r.choice([110, 100])} FMI 0, gelbe Warnlampe",
         "zh": "J1939 DM1 当前故障 SPN 110 FMI 0 黄色警告灯", "ja": "J1939 DM1 アクティブ故障 SPN 110 FMI 0"}])
    return {"m": m, "f": []}


@T("diagnostic", "diagnostic.mqtt_timeout", lv="notice warning")
def _(r):
    c = r.choice(["plc-gw-a2", "edge-ipc-12", "scale-ws3"])
    return {"m": {"en": f"Client {c} has exceeded timeout, disconnecting.",
                  "de": f"Client {c} hat das Keepalive-Timeout überschritten, Verbindung getrennt (Kommunikationsfehler)",
                  "zh": f"客户端 {c} 心跳超时，连接断开（通讯故障）"}, "f": []}


@T("diagnostic", "diagnostic.estop", lv="critical error")
def _(r):
    st = r.randint(1, 12)
    return {"m": {"en": f"E-STOP pressed at station {st}, light curtain interrupted",
                  "de": f"Not-Aus an Station {st} betätigt, Lichtgitter unterbrochen",
                  "zh": f"工位{st}急停按钮被按下，光幕中断", "ja": f"ステーション{st} 非常停止ボタン押下 ライトカーテン遮光",
                  "vi": f"Nút dừng khẩn cấp trạm {st} được nhấn", "pt": f"parada de emergência acionada na estação {st}",
                  "ko": f"스테이션 {st} 비상정지 버튼 눌림"}, "f": []}


@T("diagnostic", "diagnostic.disk", lv="error critical")
def _(r):
    return {"m": {"en": f"write failed: no space left on device (/var/lib/influxdb, {r.randint(96, 100)}% used)",
                  "de": "Schreibfehler: kein Speicherplatz mehr auf dem Gerät (/var/lib/influxdb)",
                  "zh": "写入失败：磁盘空间不足 (/var/lib/influxdb)", "ja": "書き込み失敗: ディスク容量不足 (/var/lib/influxdb)",
                  "vi": "Ghi thất bại: hết dung lượng đĩa (/var/lib/influxdb)"}, "f": []}


@T("diagnostic", "diagnostic.bms_fault", lv="error warning")
def _(r):
    return {"m": {"en": f"BMS fault: cell {r.randint(1, 96)} overvoltage protection tripped, contactor opened",
                  "de": f"BMS-Störung: Überspannungsschutz Zelle {r.randint(1, 96)} ausgelöst, Schütz geöffnet",
                  "zh": f"电池管理系统故障：第{r.randint(1, 96)}节电芯过压保护动作，接触器断开",
                  "ja": f"BMS異常: セル{r.randint(1, 96)} 過電圧保護動作 コンタクタ開",
                  "vi": f"Lỗi BMS: bảo vệ quá áp cell {r.randint(1, 96)}, contactor mở",
                  "ko": f"BMS 고장: 셀 {r.randint(1, 96)} 과전압 보호 동작"}, "f": []}


# =========================================================================== calibration


@T("calibration", "calibration.intrinsics")
def _(r):
    fx, fy = U(r, 1180, 2450, 3), U(r, 1180, 2450, 3)
    cx, cy = U(r, 600, 1250, 3), U(r, 450, 1020, 3)
    k1, k2, p1, p2 = U(r, -0.4, 0.1, 5), U(r, -0.1, 0.3, 5), U(r, -0.002, 0.002, 6), U(r, -0.002, 0.002, 6)
    cam = r.choice(["cam_top", "vis-cog-05", "stereo_left"])
    k = f"K=[{fx}, 0, {cx}; 0, {fy}, {cy}; 0, 0, 1] D=[{k1}, {k2}, {p1}, {p2}, 0.0]"
    return {"m": {"en": f"{cam} camera calibration written: {k}",
                  "de": f"Kamerakalibrierung {cam} gespeichert: {k}",
                  "zh": f"相机{cam}标定结果已保存：{k}", "ja": f"カメラ{cam} キャリブレーション結果保存: {k}",
                  "vi": f"Đã lưu hiệu chuẩn camera {cam}: {k}"}, "f": []}


@T("calibration", "calibration.reprojection")
def _(r):
    e, n = U(r, 0.08, 0.6, 3), r.randint(18, 60)
    return {"m": {"en": f"stereo calibration done: RMS reprojection error {e} px over {n} views, baseline 119.82 mm",
                  "de": f"Stereokalibrierung abgeschlossen: RMS-Rückprojektionsfehler {dc(str(e), 'de')} px, {n} Ansichten",
                  "zh": f"双目标定完成：重投影误差 RMS {e} px（{n}组图像）",
                  "ja": f"ステレオキャリブレーション完了 再投影誤差RMS {e} px ({n}枚)",
                  "vi": f"Hiệu chuẩn stereo xong: sai số chiếu lại RMS {e} px, {n} ảnh",
                  "ko": f"스테레오 캘리브레이션 완료: 재투영 오차 RMS {e} px ({n}장)"}, "f": []}


@T("calibration", "calibration.hand_eye")
def _(r):
    t = [U(r, -120, 120, 3) for _ in range(3)]
    q = [U(r, -1, 1, 4) for _ in range(4)]
    return {"m": {"en": f"hand-eye calibration (eye-in-hand, Tsai) result t=[{t[0]}, {t[1]}, {t[2]}] mm q=[{q[0]}, {q[1]}, {q[2]}, {q[3]}]",
                  "de": f"Hand-Auge-Kalibrierung Ergebnis: t=[{t[0]}, {t[1]}, {t[2]}] mm, q=[{q[0]}, {q[1]}, {q[2]}, {q[3]}]",
                  "zh": f"手眼标定结果 平移=[{t[0]}, {t[1]}, {t[2]}] mm 四元数=[{q[0]}, {q[1]}, {q[2]}, {q[3]}]",
                  "ja": f"ハンドアイキャリブレーション結果 t=[{t[0]}, {t[1]}, {t[2]}] mm"}, "f": []}


@T("calibration", "calibration.cmm_probe")
def _(r):
    rad, form = U(r, 1.4980, 1.5005, 4), U(r, 0.0003, 0.0015, 4)
    return {"m": {"en": f"Calypso stylus qualification T1 A0B0: radius {rad} mm, form error {form} mm, reference sphere Ø 30 mm",
                  "de": f"Calypso Tasterkalibrierung T1 A0B0: Radius {dc(str(rad), 'de')} mm, Formfehler {dc(str(form), 'de')} mm",
                  "zh": f"三坐标测针校准 T1 A0B0：半径 {rad} mm 形状误差 {form} mm",
                  "ja": f"三次元測定機 スタイラス校正 T1 A0B0 半径 {rad} mm 形状誤差 {form} mm",
                  "vi": f"Hiệu chuẩn đầu đo CMM T1 A0B0: bán kính {rad} mm, sai số hình dạng {form} mm"}, "f": []}


@T("calibration", "calibration.hart_trim")
def _(r):
    tag = r.choice(["PT-3021", "FT-118", "LT-204"])
    off, urv = U(r, -0.05, 0.05, 3), r.choice([10, 16, 25, 40])
    return {"m": {"en": f"HART {tag}: zero trim applied, offset {off} bar; range LRV 0 URV {urv} bar",
                  "de": f"HART {tag}: Nullpunktabgleich durchgeführt, Offset {dc(str(off), 'de')} bar, Messbereich 0..{urv} bar",
                  "zh": f"HART变送器{tag} 零点校准完成 偏移 {off} bar 量程 0~{urv} bar",
                  "ja": f"HART {tag} ゼロ点調整 オフセット {off} bar レンジ 0-{urv} bar",
                  "vi": f"HART {tag}: hiệu chỉnh điểm 0, độ lệch {off} bar, dải đo 0-{urv} bar",
                  "fr": f"HART {tag} : ajustage du zéro, décalage {dc(str(off), 'fr')} bar, échelle 0-{urv} bar"}, "f": []}


@T("calibration", "calibration.load_cell")
def _(r):
    g, z = U(r, 0.98, 1.03, 5), r.randint(-900, 900)
    return {"m": {"en": f"scale WS3 load cell calibrated with 20 kg reference weight: gain {g}, zero {z} counts",
                  "de": f"Waage WS3 justiert mit Prüfgewicht 20 kg (M1): Verstärkung {dc(str(g), 'de')}, Nullpunkt {z} Digits",
                  "zh": f"称重WS3使用20 kg砝码标定：增益 {g}，零点 {z}",
                  "ja": f"はかりWS3 20 kg分銅で校正 ゲイン {g} ゼロ {z}",
                  "vi": f"Cân WS3 hiệu chuẩn với quả cân 20 kg: hệ số {g}, điểm 0 {z}"}, "f": []}


@T("calibration", "calibration.robot_tool")
def _(r):
    x, y, z, err = U(r, -20, 20, 2), U(r, -20, 20, 2), U(r, 150, 420, 2), U(r, 0.1, 0.9, 2)
    m = r.choice([
        {"en": f"KUKA tool 3 calibrated (XYZ 4-point): X={x} Y={y} Z={z} mm, error {err} mm",
         "de": f"KUKA Werkzeug 3 vermessen (XYZ 4-Punkt): X={x} Y={y} Z={z} mm, Fehler {dc(str(err), 'de')} mm",
         "zh": f"KUKA 工具3 TCP标定（XYZ四点法）：X={x} Y={y} Z={z} mm 误差 {err} mm",
         "ja": f"KUKA ツール3 TCP校正(XYZ 4点) X={x} Y={y} Z={z} mm 誤差 {err} mm",
         "vi": f"KUKA dụng cụ 3 hiệu chuẩn TCP (4 điểm): X={x} Y={y} Z={z} mm"},
        {"en": f"FANUC UTOOL 2 set by 6-point method: X {x} Y {y} Z {z} W 0.0 P 0.0 R 180.0",
         "de": f"FANUC UTOOL 2 per 6-Punkt-Methode: X {x} Y {y} Z {z}",
         "zh": f"FANUC 工具坐标 UTOOL 2 六点法设定 X {x} Y {y} Z {z}",
         "ja": f"FANUC ツール座標 UTOOL 2 6点教示 X {x} Y {y} Z {z}",
         "vi": f"FANUC UTOOL 2 đặt bằng phương pháp 6 điểm: X {x} Y {y} Z {z}"}])
    return {"m": m, "f": []}


@T("calibration", "calibration.tool_setter")
def _(r):
    t, ln, rad = r.randint(1, 48), U(r, 80, 210, 4), U(r, 2, 16, 4)
    return {"m": {"en": f"NC4 laser tool setter: T{t} length offset {ln} mm, radius {rad} mm written to D{t}",
                  "de": f"Lasermessung NC4: Werkzeug T{t} Länge {dc(str(ln), 'de')} mm, Radius {dc(str(rad), 'de')} mm in Korrekturspeicher",
                  "zh": f"激光对刀仪：T{t} 刀长补偿 {ln} mm 半径 {rad} mm 已写入",
                  "ja": f"レーザー工具測定 T{t} 工具長補正 {ln} mm 径 {rad} mm 登録",
                  "vi": f"Đo dao laser: T{t} bù chiều dài {ln} mm, bán kính {rad} mm"}, "f": []}


@T("calibration", "calibration.certificate")
def _(r):
    cert = f"{r.randint(1000, 9999)}-{r.choice(['DKD', 'DAkkS', 'CNAS', 'JCSS'])}-{r.randint(10, 26)}"
    inst = r.choice(["torque wrench TW-114", "caliper MS-0221", "pressure gauge PG-17"])
    if r.random() < 0.35:
        return {"c": ["diagnostic"], "lv": r.choice(["warning", "info"]), "m": {
            "en": f"calibration of {inst} expired (certificate {cert} valid until 2026-01-31), instrument blocked",
            "de": f"Kalibrierung abgelaufen: {inst}, Zertifikat {cert} gültig bis 31.01.2026, Prüfmittel gesperrt",
            "zh": f"校准已过期：{inst} 证书 {cert} 有效期至2026-01-31，量具已锁定",
            "ja": f"校正期限切れ: {inst} 証明書 {cert} 有効期限 2026/01/31 使用停止",
            "vi": f"Hết hạn hiệu chuẩn: {inst}, chứng chỉ {cert} hiệu lực đến 31/01/2026"}, "f": []}
    return {"m": {"en": f"calibration certificate {cert} registered for {inst}, valid until 2027-03-31",
                  "de": f"Kalibrierschein {cert} für {inst} erfasst, gültig bis 31.03.2027",
                  "zh": f"{inst} 校准证书 {cert} 已登记，有效期至2027-03-31",
                  "ja": f"{inst} 校正証明書 {cert} 登録 有効期限 2027/03/31",
                  "vi": f"Đã ghi nhận chứng chỉ hiệu chuẩn {cert} cho {inst}, hiệu lực đến 31/03/2027",
                  "pt": f"certificado de calibração {cert} registado para {inst}, válido até 31/03/2027"}, "f": []}


@T("calibration", "calibration.imu_bias")
def _(r):
    g = [U(r, -0.004, 0.004, 5) for _ in range(3)]
    a = [U(r, -0.05, 0.05, 4) for _ in range(3)]
    return {"m": {"en": f"IMU calibration: gyro bias [{g[0]}, {g[1]}, {g[2]}] rad/s, accel bias [{a[0]}, {a[1]}, {a[2]}] m/s²",
                  "de": f"IMU-Kalibrierung: Gyro-Bias [{g[0]}, {g[1]}, {g[2]}] rad/s",
                  "zh": f"IMU标定：陀螺零偏 [{g[0]}, {g[1]}, {g[2]}] rad/s 加速度计零偏 [{a[0]}, {a[1]}, {a[2]}]",
                  "ja": f"IMUキャリブレーション ジャイロバイアス [{g[0]}, {g[1]}, {g[2]}] rad/s"}, "f": []}


@T("calibration", "calibration.ph_probe")
def _(r):
    s, o = U(r, 95, 101, 1), U(r, -12, 12, 1)
    return {"m": {"en": f"pH probe AIT-12 two-point calibration (buffers 4.01/7.00): slope {s} %, offset {o} mV",
                  "de": f"pH-Sonde AIT-12 Zweipunktkalibrierung (Puffer 4,01/7,00): Steilheit {dc(str(s), 'de')} %, Nullpunkt {dc(str(o), 'de')} mV",
                  "zh": f"pH电极AIT-12两点校准（缓冲液4.01/7.00）：斜率 {s}% 零点 {o} mV",
                  "ja": f"pH電極AIT-12 2点校正 スロープ {s}% オフセット {o} mV",
                  "vi": f"Hiệu chuẩn 2 điểm điện cực pH AIT-12: độ dốc {s} %, offset {o} mV",
                  "es": f"electrodo pH AIT-12 calibración a dos puntos: pendiente {dc(str(s), 'es')} %, offset {dc(str(o), 'es')} mV"}, "f": []}


@T("calibration", "calibration.lidar_camera")
def _(r):
    t = [U(r, -0.5, 0.5, 4) for _ in range(3)]
    rpy = [U(r, -3.14, 3.14, 4) for _ in range(3)]
    return {"m": {"en": f"lidar->camera extrinsics updated: xyz=[{t[0]}, {t[1]}, {t[2]}] rpy=[{rpy[0]}, {rpy[1]}, {rpy[2]}]",
                  "zh": f"激光雷达-相机外参更新：xyz=[{t[0]}, {t[1]}, {t[2]}] rpy=[{rpy[0]}, {rpy[1]}, {rpy[2]}]",
                  "ja": f"LiDAR-カメラ外部パラメータ更新 xyz=[{t[0]}, {t[1]}, {t[2]}]",
                  "de": f"Extrinsik Lidar→Kamera aktualisiert: xyz=[{t[0]}, {t[1]}, {t[2]}]"}, "f": []}


@T("calibration", "calibration.flow_kfactor")
def _(r):
    k = U(r, 400, 2400, 2)
    return {"m": {"en": f"flowmeter FT-118 wet calibration: K-factor {k} pulses/L, deviation 0.12 % at 3 points",
                  "de": f"Durchflussmesser FT-118 nasskalibriert: K-Faktor {dc(str(k), 'de')} Imp/L",
                  "zh": f"流量计FT-118实流标定：K系数 {k} 脉冲/L", "ja": f"流量計FT-118 実流校正 Kファクタ {k} パルス/L",
                  "vi": f"Hiệu chuẩn đồng hồ lưu lượng FT-118: hệ số K {k} xung/L"}, "f": []}


@T("calibration", "calibration.gas_detector")
def _(r):
    return {"m": {"en": "gas detector GD-04 span calibration with 25 ppm H2S test gas passed, next due in 180 days",
                  "de": "Gaswarngerät GD-04 Empfindlichkeitsjustierung mit Prüfgas 25 ppm H2S durchgeführt",
                  "zh": "气体探测器GD-04 使用25 ppm H2S标准气完成量程校准",
                  "ja": "ガス検知器GD-04 25 ppm H2S校正ガスでスパン校正実施",
                  "vi": "Hiệu chuẩn dải đo đầu dò khí GD-04 bằng khí chuẩn 25 ppm H2S",
                  "ko": "가스 감지기 GD-04 25 ppm H2S 표준가스로 스팬 교정 완료"}, "f": []}


# =========================================================================== operational


@T("operational", "operational.setpoint")
def _(r):
    z, a = r.randint(1, 6), r.randint(200, 240)
    b = a + r.choice([-5, 5, 10])
    return {"m": {"en": f"setpoint changed: barrel zone {z} temperature {a} -> {b} °C (Engel e-mac 280)",
                  "de": f"Sollwert geändert: Zylinderzone {z} Temperatur {a} -> {b} °C",
                  "zh": f"设定值修改：料筒{z}区温度 {a} -> {b} ℃", "ja": f"設定値変更: シリンダ{z}ゾーン温度 {a} → {b} ℃",
                  "vi": f"Thay đổi điểm đặt: nhiệt độ vùng xi lanh {z} {a} -> {b} °C",
                  "fr": f"consigne modifiée : zone fourreau {z} {a} -> {b} °C",
                  "ko": f"설정값 변경: 실린더 {z}구역 온도 {a} → {b} ℃"}, "f": []}


@T("operational", "operational.recipe")
def _(r):
    rc = r.choice(["PP-GF30_v12", "PA66-BK_03", "Rezept_Deckel_07", "SUS304-t1.2"])
    return {"m": {"en": f"recipe {rc} downloaded to line 4 (injection speed 85 mm/s, hold pressure 620 bar)",
                  "de": f"Rezept {rc} auf Linie 4 geladen (Einspritzgeschwindigkeit 85 mm/s, Nachdruck 620 bar)",
                  "zh": f"配方{rc}已下发至4号线（注射速度85 mm/s，保压620 bar）",
                  "ja": f"レシピ{rc}をライン4へ転送 (射出速度 85 mm/s 保圧 620 bar)",
                  "vi": f"Đã tải công thức {rc} xuống dây chuyền 4 (tốc độ phun 85 mm/s)",
                  "it": f"ricetta {rc} caricata sulla linea 4 (velocità iniezione 85 mm/s)"}, "f": []}


@T("operational", "operational.nc_start")
def _(r):
    prog, fo = r.choice(["O1234", "O4711", "%_N_WELLE_22_MPF", "GEH_OP20.H"]), r.choice([80, 90, 100, 110])
    return {"m": {"en": f"NC program {prog} started, feed override {fo} %, spindle override 100 %",
                  "de": f"NC-Programm {prog} gestartet, Vorschub-Override {fo} %, Spindel-Override 100 %",
                  "zh": f"NC程序{prog}启动，进给倍率{fo}%，主轴倍率100%",
                  "ja": f"NCプログラム{prog}起動 送りオーバライド{fo}% 主軸オーバライド100%",
                  "vi": f"Bắt đầu chương trình NC {prog}, override bước tiến {fo} %"}, "f": []}


@T("operational", "operational.order")
def _(r):
    po, part, qty = r.randint(4000000, 4999999), r.choice(["8W0-807-221", "A2138850125", "DP-4471-B"]), r.choice([120, 240, 480, 960])
    return {"m": {"en": f"production order {po} started: part {part}, qty {qty}, line 2",
                  "de": f"Fertigungsauftrag {po} gestartet: Teil {part}, Menge {qty}, Linie 2",
                  "zh": f"生产工单{po}开工：物料{part}，数量{qty}，2号线",
                  "ja": f"製造指示{po} 開始: 品番{part} 数量{qty} ライン2",
                  "vi": f"Bắt đầu lệnh sản xuất {po}: mã {part}, số lượng {qty}, chuyền 2",
                  "es": f"orden de fabricación {po} iniciada: pieza {part}, cantidad {qty}",
                  "pt": f"ordem de produção {po} iniciada: peça {part}, quantidade {qty}"}, "f": []}


@T("operational", "operational.order_ref")
def _(r):
    kind = r.choice(["card", "de_tax_id", "jp_my_number"])
    ref = {"card": lambda: ids.card(r, valid=False), "de_tax_id": lambda: ids.de_tax_id(r, valid=False),
           "jp_my_number": lambda: ids.my_number(r, valid=False)}[kind]()
    qty = r.choice([20, 50, 100, 250])
    return {"look": [(kind, ref)], "m": {
        "en": f"order {ref} released to shop floor, qty {qty}, part HX-220",
        "de": f"Auftrag {ref} freigegeben, Menge {qty} Stk, Teil HX-220",
        "zh": f"订单{ref}已下达车间，数量{qty}，零件HX-220",
        "ja": f"オーダー{ref} 現場へリリース 数量{qty} 品番HX-220",
        "vi": f"Đơn hàng {ref} đã phát hành, số lượng {qty}, chi tiết HX-220"}, "f": []}


@T("operational", "operational.weld")
def _(r):
    i, u, wf = r.randint(180, 320), U(r, 19, 29), U(r, 6, 12)
    return {"m": {"en": f"weld schedule 12 active: current {i} A, voltage {u} V, wire feed {wf} m/min, travel 0.8 m/min",
                  "de": f"Schweißprogramm 12: Strom {i} A, Spannung {dc(str(u), 'de')} V, Drahtvorschub {dc(str(wf), 'de')} m/min",
                  "zh": f"焊接规范12：电流{i} A 电压{u} V 送丝速度{wf} m/min",
                  "ja": f"溶接条件12: 電流{i} A 電圧{u} V ワイヤ送給{wf} m/min",
                  "vi": f"Chương trình hàn 12: dòng {i} A, điện áp {u} V, tốc độ cấp dây {wf} m/phút"}, "f": []}


@T("operational", "operational.pid")
def _(r):
    kp, ti, td = U(r, 0.5, 6, 2), r.randint(10, 120), U(r, 0, 8)
    loop = r.choice(["TIC-101", "PIC-220", "FIC-118"])
    return {"m": {"en": f"loop {loop} retuned: Kp={kp} Ti={ti}s Td={td}s (mode AUTO)",
                  "de": f"Regelkreis {loop} neu parametriert: Kp={kp} Tn={ti} s Tv={td} s",
                  "zh": f"回路{loop} PID参数整定：Kp={kp} Ti={ti}s Td={td}s",
                  "ja": f"ループ{loop} PIDチューニング Kp={kp} Ti={ti}s Td={td}s",
                  "vi": f"Vòng {loop} chỉnh PID: Kp={kp} Ti={ti}s Td={td}s"}, "f": []}


@T("operational", "operational.oee")
def _(r):
    a, p, q = U(r, 80, 97), U(r, 75, 98), U(r, 95, 99.8)
    oee = round(a * p * q / 10000, 1)
    return {"m": {"en": f"shift B OEE {oee} % (availability {a} %, performance {p} %, quality rate {q} %)",
                  "de": f"Schicht B: OEE {dc(str(oee), 'de')} % (Verfügbarkeit {dc(str(a), 'de')} %, Leistung {dc(str(p), 'de')} %)",
                  "zh": f"B班设备综合效率OEE {oee}%（时间开动率{a}%，性能开动率{p}%）",
                  "ja": f"B直 OEE {oee}% (稼働率{a}% 性能{p}%)",
                  "vi": f"Ca B: OEE {oee} % (khả dụng {a} %, hiệu suất {p} %)",
                  "fr": f"équipe B : TRS {dc(str(oee), 'fr')} %"}, "f": []}


@T("operational", "operational.counts")
def _(r):
    good, tgt = r.randint(800, 2400), r.choice([1800, 2000, 2400])
    return {"m": {"en": f"line 3 shift count: {good} good parts of target {tgt}, cycle time {U(r, 28, 44)} s",
                  "de": f"Linie 3 Schichtstückzahl: {good} Gutteile von Soll {tgt}, Taktzeit {dc(str(U(r, 28, 44)), 'de')} s",
                  "zh": f"3号线本班产量：良品{good}件，计划{tgt}件，节拍{U(r, 28, 44)} s",
                  "ja": f"ライン3 直生産数 良品{good}個 / 計画{tgt}個 サイクルタイム{U(r, 28, 44)}秒",
                  "vi": f"Chuyền 3 sản lượng ca: {good} sản phẩm đạt / kế hoạch {tgt}",
                  "ko": f"3라인 교대 생산량: 양품 {good}개 / 목표 {tgt}개"}, "f": []}


@T("operational", "operational.batch")
def _(r):
    b = f"B-{r.randint(2401, 2412)}-{r.randint(100, 999)}"
    return {"m": {"en": f"batch {b} started in reactor R2, recipe ADH-40, charge 1200 kg, jacket setpoint 65 °C",
                  "de": f"Charge {b} in Reaktor R2 gestartet, Rezept ADH-40, Ansatz 1200 kg",
                  "zh": f"批次{b}在反应釜R2开始，配方ADH-40，投料1200 kg",
                  "ja": f"バッチ{b} 反応槽R2で開始 レシピADH-40 仕込み1200 kg",
                  "vi": f"Bắt đầu mẻ {b} tại bồn phản ứng R2, công thức ADH-40"}, "f": []}


@T("operational", "operational.schedule")
def _(r):
    w = r.randint(2, 50)
    return {"m": {"en": f"production plan week {w} released: 14 orders, 18 400 pcs, lines 1-4, 3 shifts",
                  "de": f"Produktionsplan KW {w} freigegeben: 14 Aufträge, 18.400 Stück, Linien 1-4",
                  "zh": f"第{w}周生产计划已发布：14个工单，18400件，1-4号线",
                  "ja": f"第{w}週 生産計画確定 14オーダー 18,400個",
                  "vi": f"Đã phát hành kế hoạch sản xuất tuần {w}: 14 lệnh, 18.400 chiếc"}, "f": []}


@T("operational", "operational.press")
def _(r):
    spm, f = r.randint(12, 40), r.randint(250, 800)
    return {"m": {"en": f"servo press P5 mode continuous, stroke rate {spm} spm, tonnage limit {f} t, die DS-114",
                  "de": f"Servopresse P5 Dauerhub, Hubzahl {spm} 1/min, Kraftgrenze {f} t, Werkzeug DS-114",
                  "zh": f"伺服压力机P5连续模式，冲次{spm}次/分，吨位上限{f} t",
                  "ja": f"サーボプレスP5 連続運転 SPM {spm} 荷重上限 {f} t",
                  "vi": f"Máy dập servo P5 chạy liên tục, {spm} nhát/phút"}, "f": []}


@T("operational", "operational.paint")
def _(r):
    fl, bs = r.randint(180, 420), r.randint(25, 60)
    return {"m": {"en": f"paint robot PR-2 brush 14: flow {fl} ml/min, bell speed {bs} krpm, shaping air 220 NL/min, HV 70 kV",
                  "de": f"Lackierroboter PR-2 Pinsel 14: Menge {fl} ml/min, Glockendrehzahl {bs} krpm, Lenkluft 220 NL/min",
                  "zh": f"喷涂机器人PR-2 参数14：流量{fl} ml/min 旋杯转速{bs} krpm",
                  "ja": f"塗装ロボットPR-2 ブラシ14 吐出量{fl} ml/min ベル回転{bs} krpm"}, "f": []}


# =========================================================================== quality


@T("quality", "quality.pcdmis")
def _(r):
    nom = r.choice([12.0, 24.0, 35.5])
    dev = U(r, -0.03, 0.03, 3)
    tol = 0.021
    ok = abs(dev) <= tol
    word = {"en": ("OK", "OUT OF TOL"), "de": ("i.O.", "n.i.O."), "zh": ("合格", "超差"), "ja": ("OK", "公差外"),
            "vi": ("ĐẠT", "KHÔNG ĐẠT")}
    return {"m": {lg: f"DIM BORE_3 D MEAS {round(nom + dev, 3)} NOM {nom} +TOL {tol} -TOL 0.000 DEV {dev} {word[lg][0 if ok else 1]}"
                  for lg in word}, "f": [("routine", "GEH_OP20.PRG")]}


@T("quality", "quality.calypso")
def _(r):
    v = U(r, 0.004, 0.026, 3)
    ok = v <= 0.02
    return {"m": {"en": f"characteristic Flatness_A {v} mm, tolerance 0.020 -> {'in tolerance' if ok else 'out of tolerance'}",
                  "de": f"Merkmal Ebenheit_A {dc(str(v), 'de')} mm, Toleranz 0,020 -> {'i.O.' if ok else 'n.i.O.'}",
                  "zh": f"特征 平面度A {v} mm 公差0.020 → {'合格' if ok else '不合格'}",
                  "ja": f"特性 平面度A {v} mm 公差0.020 → {'合格' if ok else '不合格'}",
                  "vi": f"Đặc tính độ phẳng A {v} mm, dung sai 0.020 → {'đạt' if ok else 'không đạt'}"}, "f": []}


@T("quality", "quality.vision")
def _(r):
    ok = r.random() < 0.6
    s = U(r, 40, 99)
    return {"m": {"en": f"In-Sight job Label_Check result {'PASS' if ok else 'FAIL'}, match score {s}",
                  "de": f"Bildverarbeitung Etikettenprüfung: {'Gut' if ok else 'Schlecht'}teil, Score {dc(str(s), 'de')}",
                  "zh": f"视觉检测 标签检查 结果{'OK' if ok else 'NG'}，匹配分数{s}",
                  "ja": f"画像検査 ラベル確認 判定{'OK' if ok else 'NG'} 一致度{s}",
                  "vi": f"Kiểm tra hình ảnh nhãn: {'ĐẠT' if ok else 'LỖI NG'}, điểm {s}",
                  "ko": f"비전 검사 라벨 판정 {'OK' if ok else 'NG'} 점수 {s}"}, "f": []}


@T("quality", "quality.keyence")
def _(r):
    return {"m": {"en": "IV3 sensor program 04: tool 2 (area) judgement NG, total judgement NG",
                  "ja": "IV3 プログラム04 ツール2(面積) 判定NG 総合判定NG",
                  "zh": "IV3 程序04 工具2(面积) 判定NG 综合判定NG",
                  "de": "IV3 Programm 04: Werkzeug 2 (Fläche) Urteil NG, Gesamturteil NG"}, "f": []}


@T("quality", "quality.leak")
def _(r):
    v = U(r, 0.2, 4.5, 2)
    ok = v <= 3.0
    return {"m": {"en": f"leak test station LT2: decay {v} Pa/s, limit 3.00 Pa/s -> {'PASS' if ok else 'FAIL'}",
                  "de": f"Dichtheitsprüfung LT2: Druckabfall {dc(str(v), 'de')} Pa/s, Grenze 3,00 -> {'i.O.' if ok else 'n.i.O.'}",
                  "zh": f"气密测试LT2：泄漏率 {v} Pa/s 上限3.00 → {'合格' if ok else '不合格'}",
                  "ja": f"リークテストLT2 減衰 {v} Pa/s 上限3.00 → {'良' if ok else '不良'}",
                  "vi": f"Kiểm tra rò rỉ LT2: {v} Pa/s, giới hạn 3.00 → {'đạt' if ok else 'không đạt'}",
                  "it": f"prova di tenuta LT2: {dc(str(v), 'it')} Pa/s, limite 3,00 -> {'conforme' if ok else 'non conforme'}"}, "f": []}


@T("quality", "quality.tightening")
def _(r):
    t, a = U(r, 22, 27, 2), r.randint(280, 340)
    ok = 23 <= t <= 26.5
    return {"m": {"en": f"tightening spindle 3 pset 5: torque {t} Nm angle {a}° result {'OK' if ok else 'NOK'}",
                  "de": f"Schraubergebnis Spindel 3 Pset 5: Moment {dc(str(t), 'de')} Nm, Winkel {a}°, {'i.O.' if ok else 'n.i.O.'}",
                  "zh": f"拧紧结果 轴3 程序5：扭矩{t} N·m 角度{a}° {'OK' if ok else 'NOK'}",
                  "ja": f"締付結果 スピンドル3 プログラム5 トルク{t} N·m 角度{a}° {'OK' if ok else 'NG'}",
                  "vi": f"Kết quả siết trục 3: mô-men {t} Nm, góc {a}°, {'OK' if ok else 'NOK'}"}, "f": []}


@T("quality", "quality.spc")
def _(r):
    cpk = U(r, 0.8, 1.9, 2)
    return {"m": {"en": f"SPC chart X-bar/R shaft_dia: point beyond UCL (rule 1), Cpk {cpk}",
                  "de": f"SPC Regelkarte Wellen-Ø: Punkt oberhalb OEG (Regel 1), Cpk {dc(str(cpk), 'de')}",
                  "zh": f"SPC控制图 轴径：点超出控制上限（规则1），Cpk {cpk}",
                  "ja": f"SPC管理図 軸径: 上方管理限界外(ルール1) Cpk {cpk}",
                  "vi": f"Biểu đồ SPC đường kính trục: điểm vượt UCL, Cpk {cpk}",
                  "fr": f"MSP carte X-barre/R : point hors limite supérieure, Cpk {dc(str(cpk), 'fr')}"}, "f": []}


@T("quality", "quality.aoi")
def _(r):
    ref = r.choice(["R12", "C47", "U3", "D5"])
    return {"m": {"en": f"AOI board PCB-7731 verdict NG: component {ref} missing / tombstone",
                  "de": f"AOI Baugruppe PCB-7731 Fehler: Bauteil {ref} fehlt, Prüfergebnis NG",
                  "zh": f"AOI检测 板PCB-7731 判定NG：元件{ref}缺件/立碑",
                  "ja": f"AOI 基板PCB-7731 判定NG 部品{ref} 欠品",
                  "vi": f"AOI bo mạch PCB-7731: NG, linh kiện {ref} bị thiếu"}, "f": []}


@T("quality", "quality.incoming")
def _(r):
    acc = r.random() < 0.7
    return {"m": {"en": f"incoming inspection lot L{r.randint(10000, 99999)}: sample 80, defects {0 if acc else 4}, AQL 1.0 -> {'accepted' if acc else 'rejected'}",
                  "de": f"Wareneingangsprüfung Los L{r.randint(10000, 99999)}: Stichprobe 80, Fehler {0 if acc else 4}, AQL 1,0 -> {'angenommen' if acc else 'zurückgewiesen'}",
                  "zh": f"来料检验 批次L{r.randint(10000, 99999)}：抽样80，缺陷{0 if acc else 4}，AQL 1.0 → {'接收' if acc else '拒收'}",
                  "ja": f"受入検査 ロットL{r.randint(10000, 99999)} 抜取80 不良{0 if acc else 4} AQL1.0 → {'合格' if acc else '不合格'}",
                  "vi": f"Kiểm tra đầu vào lô L{r.randint(10000, 99999)}: mẫu 80, lỗi {0 if acc else 4} → {'chấp nhận' if acc else 'từ chối'}"}, "f": []}


@T("quality", "quality.eol")
def _(r):
    ok = r.random() < 0.7
    return {"m": {"en": f"EOL test bench 2 unit result {'PASS' if ok else 'FAIL'} (insulation 512 MΩ, hipot 1.8 kV)",
                  "de": f"End-of-Line-Prüfstand 2: Ergebnis {'bestanden' if ok else 'nicht bestanden'}",
                  "zh": f"下线测试台2 结果{'通过' if ok else '未通过'}（绝缘512 MΩ）",
                  "ja": f"完成検査台2 判定{'合格' if ok else '不合格'} (絶縁 512 MΩ)",
                  "vi": f"Bàn thử cuối chuyền 2: {'ĐẠT' if ok else 'KHÔNG ĐẠT'}",
                  "pt": f"teste de fim de linha 2: {'aprovado' if ok else 'reprovado'}"}, "f": []}


@T("quality", "quality.hardness")
def _(r):
    h = U(r, 55.5, 61.5)
    ok = 57 <= h <= 60
    return {"m": {"en": f"hardness test HRC {h}, spec 57-60 -> {'OK' if ok else 'NOK'}",
                  "de": f"Härteprüfung HRC {dc(str(h), 'de')}, Vorgabe 57-60 -> {'i.O.' if ok else 'n.i.O.'}",
                  "zh": f"硬度检测 HRC {h}，要求57-60 → {'合格' if ok else '不合格'}",
                  "ja": f"硬さ試験 HRC {h} 規格57-60 → {'合格' if ok else '不合格'}",
                  "vi": f"Đo độ cứng HRC {h}, yêu cầu 57-60 → {'đạt' if ok else 'không đạt'}"}, "f": []}


@T("quality personal", "quality.release_signed")
def _(r):
    lg_names = {lg: V.name(r, lg) for lg in ["en", "de", "zh", "ja", "vi", "fr"]}
    b = f"{r.randint(24, 26)}{r.randint(1, 12):02d}-{r.randint(100, 999)}"
    return {"m": {"en": f"batch {b} released by QA, signed off by {lg_names['en']}",
                  "de": f"Charge {b} durch QS freigegeben, unterschrieben von {lg_names['de']}",
                  "zh": f"批次{b}质量放行，签字人：{lg_names['zh']}",
                  "ja": f"ロット{b} 品質保証 出荷判定合格 承認者 {lg_names['ja']}",
                  "vi": f"Lô {b} được QA phê duyệt, người ký: {lg_names['vi']}",
                  "fr": f"lot {b} libéré par la qualité, visé par {lg_names['fr']}"}, "f": []}


# =========================================================================== model


@T("model", "model.lightning_epoch")
def _(r):
    e, tl, vl, va = r.randint(1, 60), U(r, 0.05, 0.9, 4), U(r, 0.05, 0.9, 4), U(r, 0.7, 0.99, 4)
    return {"m": {"en": f"Epoch {e}/60: train_loss={tl} val_loss={vl} val_acc={va} lr=0.0003",
                  "de": f"Training Epoche {e}/60: train_loss={tl} val_loss={vl} val_acc={va}",
                  "zh": f"训练第{e}/60轮：train_loss={tl} val_loss={vl} 验证准确率={va}",
                  "ja": f"学習 エポック{e}/60 train_loss={tl} val_loss={vl} val_acc={va}",
                  "vi": f"Huấn luyện epoch {e}/60: train_loss={tl} val_loss={vl}"}, "f": []}


@T("model", "model.checkpoint")
def _(r):
    e, vl = r.randint(1, 60), U(r, 0.05, 0.6, 4)
    return {"m": {"en": f"Epoch {e}, global step {e * 412}: 'val_loss' reached {vl} (best {vl}), saving model to "
                        f"'/ckpt/defect-seg/epoch={e}-val_loss={vl}.ckpt' as top 3"},
            "f": []}


@T("model", "model.mlflow_register")
def _(r):
    v = r.randint(2, 30)
    name = r.choice(["weld-seam-anomaly", "surface-defect-seg", "spindle-rul"])
    return {"m": {"en": f"Registered model '{name}' version {v} (run {V.hexs(r, 32)}), stage Staging",
                  "de": f"Modell '{name}' Version {v} registriert, Stufe Staging",
                  "zh": f"已注册模型'{name}' 版本{v}，阶段Staging",
                  "ja": f"モデル'{name}' バージョン{v} を登録 ステージ Staging",
                  "vi": f"Đã đăng ký mô hình '{name}' phiên bản {v}"}, "f": []}


@T("model", "model.triton_load")
def _(r):
    m, v = r.choice(["yolov8s_defect", "resnet50_surface", "ocr_crnn"]), r.randint(1, 9)
    return {"m": {"en": f"successfully loaded '{m}' version {v} (backend onnxruntime, instance_group GPU x2, max_batch_size 16)"},
            "f": []}


@T("model", "model.onnx_export")
def _(r):
    return {"m": {"en": f"exported model defect_v{r.randint(2, 9)}.onnx (opset 17, 11.4M params), sha256 {V.hexs(r, 64)}",
                  "de": f"Modell exportiert: defect_v{r.randint(2, 9)}.onnx (Opset 17), sha256 {V.hexs(r, 64)}",
                  "zh": f"模型已导出 defect_v{r.randint(2, 9)}.onnx（opset 17），sha256 {V.hexs(r, 64)}",
                  "ja": f"モデルをエクスポート defect_v{r.randint(2, 9)}.onnx opset 17 sha256 {V.hexs(r, 64)}"}, "f": []}


@T("model", "model.trt_engine")
def _(r):
    return {"m": {"en": f"TensorRT engine built for resnet50_surface: precision FP16, max batch 16, workspace 2048 MiB, build {U(r, 40, 300)} s",
                  "zh": "TensorRT 引擎构建完成 resnet50_surface FP16 最大批次16",
                  "ja": "TensorRTエンジン生成完了 resnet50_surface FP16 最大バッチ16"}, "f": []}


@T("model", "model.hparams")
def _(r):
    lr, bs, wd = r.choice(["3e-4", "1e-3", "5e-5"]), r.choice([16, 32, 64]), r.choice(["0.01", "1e-4"])
    return {"m": {"en": f"hyperparameters: optimizer=AdamW lr={lr} batch_size={bs} weight_decay={wd} epochs=60 backbone=efficientnet_b3",
                  "de": f"Hyperparameter: Optimierer AdamW, Lernrate {lr}, Batchgröße {bs}, Weight Decay {wd}",
                  "zh": f"超参数：优化器AdamW 学习率{lr} 批大小{bs} 权重衰减{wd}",
                  "ja": f"ハイパーパラメータ 最適化AdamW 学習率{lr} バッチサイズ{bs}",
                  "vi": f"Siêu tham số: AdamW, tốc độ học {lr}, batch {bs}"}, "f": []}


@T("model", "model.anomaly_threshold")
def _(r):
    th, w = U(r, 0.6, 0.95, 2), r.choice([60, 120, 300, 600])
    return {"m": {"en": f"anomaly detector spindle-load (isolation forest) threshold set to {th}, window {w} s, contamination 0.01",
                  "de": f"Anomalieerkennung Spindellast: Schwellwert {dc(str(th), 'de')}, Fenster {w} s (Isolation Forest)",
                  "zh": f"异常检测模型 主轴负载：阈值{th}，窗口{w} s",
                  "ja": f"異常検知モデル 主軸負荷 しきい値{th} ウィンドウ{w}秒",
                  "vi": f"Mô hình phát hiện bất thường tải trục chính: ngưỡng {th}, cửa sổ {w} s",
                  "ko": f"이상 탐지 모델 스핀들 부하: 임계값 {th}, 윈도우 {w}초"}, "f": []}


@T("model", "model.drift", lv="info warning")
def _(r):
    psi = U(r, 0.05, 0.4, 3)
    return {"m": {"en": f"feature drift on 'spindle_load': PSI {psi} vs training reference (model spindle-rul v7)",
                  "de": f"Drift des Eingangsmerkmals 'spindle_load': PSI {dc(str(psi), 'de')} (Modell spindle-rul v7)",
                  "zh": f"模型spindle-rul v7 输入特征'spindle_load'漂移 PSI {psi}",
                  "ja": f"モデルspindle-rul v7 特徴量'spindle_load' ドリフト PSI {psi}",
                  "vi": f"Trôi đặc trưng đầu vào 'spindle_load' của mô hình spindle-rul v7: PSI {psi}"}, "f": []}


@T("model", "model.vision_params")
def _(r):
    a, t = r.randint(40, 400), r.randint(60, 200)
    return {"m": {"en": f"blob tool parameters updated: binarize threshold {t}, min area {a} px, max elongation 3.5",
                  "de": f"Blob-Werkzeug Parameter: Binarisierungsschwelle {t}, Mindestfläche {a} px",
                  "zh": f"斑点工具参数更新：二值化阈值{t}，最小面积{a} px",
                  "ja": f"ブロブツール パラメータ変更 二値化しきい値{t} 最小面積{a} px",
                  "vi": f"Cập nhật tham số công cụ blob: ngưỡng nhị phân {t}, diện tích tối thiểu {a} px"}, "f": []}


@T("model", "model.keras_fit")
def _(r):
    e = r.randint(1, 20)
    return {"m": {"en": f"Epoch {e}/20 - 412/412 - 38s 92ms/step - loss: {U(r, 0.1, 0.6, 4)} - accuracy: {U(r, 0.8, 0.99, 4)} - val_loss: {U(r, 0.1, 0.6, 4)}"},
            "f": []}


@T("model", "model.deploy")
def _(r):
    v = r.randint(2, 12)
    return {"m": {"en": f"model surface-defect-seg v{v} deployed to edge-ipc-12 (canary 10 %), previous v{v - 1} kept for rollback",
                  "de": f"Modell surface-defect-seg v{v} auf Edge ausgerollt (Canary 10 %)",
                  "zh": f"模型surface-defect-seg v{v}已部署到边缘节点（灰度10%）",
                  "ja": f"モデル surface-defect-seg v{v} をエッジへ配備 (カナリア10%)",
                  "vi": f"Đã triển khai mô hình surface-defect-seg v{v} lên edge (canary 10 %)"}, "f": []}


# =========================================================================== network_id


@T("network_id", "network_id.mqtt_connect")
def _(r):
    a = V.ip(r)
    c = r.choice(["plc-gw-a2", "edge-ipc-12", "nodered-03", "scale-ws3"])
    return {"m": {"en": f"New client connected from {a}:{r.randint(30000, 65000)} as {c} (p2, c1, k60, u'edge01').",
                  "de": f"Neuer MQTT-Client {c} verbunden von {a}",
                  "zh": f"新客户端 {c} 从 {a} 连接", "ja": f"MQTTクライアント {c} 接続 送信元 {a}"}, "f": []}


@T("network_id", "network_id.pg_conn")
def _(r):
    return {"m": {"en": f"connection received: host={V.ipv4(r)} port={r.randint(30000, 65000)}"}, "f": []}


@T("network_id diagnostic", "network_id.plc_unreachable", lv="warning error")
def _(r):
    a = V.ipv4(r)
    return {"m": {"en": f"PLC at {a} unreachable (ICMP timeout), switching to buffered mode",
                  "de": f"SPS {a} nicht erreichbar (Ping-Timeout), Pufferbetrieb aktiv",
                  "zh": f"PLC {a} 无法访问（ping超时），切换至缓存模式",
                  "ja": f"PLC {a} 到達不能 (ping タイムアウト) バッファモードへ移行",
                  "vi": f"Không kết nối được PLC {a} (ping timeout)",
                  "ko": f"PLC {a} 연결 불가 (ping 시간 초과)"}, "f": []}


@T("network_id", "network_id.pod_ip")
def _(r):
    return {"m": {"en": f"pod mes/historian-writer-{V.hexs(r, 5)} sandbox ready, IP {r.choice(['10.244', '10.42'])}.{r.randint(0, 9)}.{r.randint(2, 250)}/24"},
            "f": []}


@T("network_id", "network_id.access_log")
def _(r):
    return {"m": {"en": f'{V.ip(r)} - - "GET /api/v1/lines/4/status HTTP/1.1" 200 {r.randint(100, 4000)} "-" "python-requests/2.31.0"'},
            "f": []}


@T("network_id", "network_id.haproxy")
def _(r):
    return {"m": {"en": f"{V.ipv4(r)}:{r.randint(30000, 65000)} fe_mqtt be_emqx/emqx2 1/0/{r.randint(1, 40)} {r.randint(200, 9000)} -- 12/12/3/1/0 0/0"},
            "f": []}


@T("network_id", "network_id.modbus_target")
def _(r):
    a = V.ipv4(r)
    return {"m": {"en": f"polling Modbus TCP {a}:502 unit 1, 24 holding registers",
                  "de": f"Modbus-TCP-Abfrage {a}:502, Unit 1, 24 Register",
                  "zh": f"轮询Modbus TCP {a}:502 站号1", "ja": f"Modbus TCP {a}:502 ユニット1 ポーリング",
                  "vi": f"Đọc Modbus TCP {a}:502 unit 1"}, "f": []}


@T("network_id", "network_id.ipv6_neighbor")
def _(r):
    a = V.ipv6(r)
    return {"m": {"en": f"neighbor {a} reachable on eth1",
                  "de": f"IPv6-Nachbar {a} auf eth1 erreichbar",
                  "zh": f"IPv6邻居 {a} 在eth1上可达", "ja": f"IPv6近隣 {a} eth1で到達可能"}, "f": []}


@T("network_id", "network_id.opcua_endpoint")
def _(r):
    a = V.ipv4(r)
    return {"m": {"en": f"session created on endpoint opc.tcp://{a}:4840 (SecurityPolicy Basic256Sha256)",
                  "de": f"Sitzung auf Endpunkt opc.tcp://{a}:4840 angelegt",
                  "zh": f"已在端点 opc.tcp://{a}:4840 创建会话", "ja": f"エンドポイント opc.tcp://{a}:4840 でセッション作成",
                  "vi": f"Tạo phiên tại opc.tcp://{a}:4840"}, "f": []}


@T("network_id", "network_id.firewall")
def _(r):
    return {"m": {"en": f"blocked inbound TCP {V.ipv4(r)}:{r.randint(1024, 65000)} -> {V.ipv4(r)}:502 (rule OT-deny-modbus)",
                  "de": f"Eingehende Verbindung blockiert: {V.ipv4(r)} -> {V.ipv4(r)}:502",
                  "zh": f"防火墙拦截 {V.ipv4(r)} -> {V.ipv4(r)}:502"}, "f": []}


@T("network_id", "network_id.camera_stream")
def _(r):
    a = V.ipv4(r)
    return {"m": {"en": f"camera stream rtsp://{a}:554/Streaming/Channels/101 opened (H.264 1920x1080)",
                  "zh": f"摄像头视频流 rtsp://{a}:554/Streaming/Channels/101 已打开",
                  "ja": f"カメラストリーム rtsp://{a}:554/Streaming/Channels/101 接続",
                  "vi": f"Mở luồng camera rtsp://{a}:554/Streaming/Channels/101"}, "f": []}


@T("network_id", "network_id.field_ip")
def _(r):
    a = V.ip(r)
    return {"m": {"en": "gateway registered", "de": "Gateway registriert", "zh": "网关已注册",
                  "ja": "ゲートウェイ登録", "vi": "Đã đăng ký gateway", "fr": "passerelle enregistrée"},
            "f": [("peer", a)]}


# =========================================================================== device_id


SERIAL_WORDS = {"en": "S/N", "de": "Seriennummer", "zh": "序列号", "ja": "製造番号", "vi": "số sê-ri",
                "ko": "시리얼 번호", "fr": "numéro de série", "es": "n.º de serie", "pt": "número de série",
                "it": "numero di serie"}


def serial(r: random.Random) -> str:
    return r.choice([f"ST{r.randint(10, 99)}{V.rnd(r, 'ABCDEFGHJKLMNPRSTUVWXYZ', 2)}{r.randint(100000, 999999)}",
                     f"{r.randint(20, 26)}{r.randint(10, 52)}{r.randint(10000, 99999)}",
                     f"SN-{V.rnd(r, '0123456789ABCDEF', 10)}",
                     f"F{r.randint(1000000, 9999999)}"])


@T("device_id diagnostic", "device_id.drive_replaced", lv="info notice")
def _(r):
    s = serial(r)
    w = SERIAL_WORDS
    return {"m": {"en": f"servo drive axis 2 replaced, new unit {w['en']} {s}",
                  "de": f"Antrieb Achse 2 getauscht, neues Gerät {w['de']} {s}",
                  "zh": f"2轴伺服驱动器已更换，新{w['zh']} {s}",
                  "ja": f"2軸サーボアンプ交換 新{w['ja']} {s}",
                  "vi": f"Đã thay biến tần trục 2, {w['vi']} mới {s}",
                  "ko": f"2축 서보 드라이브 교체, 새 {w['ko']} {s}",
                  "fr": f"variateur axe 2 remplacé, nouveau {w['fr']} {s}"}, "f": []}


@T("device_id", "device_id.inventory")
def _(r):
    s = serial(r)
    dev = r.choice(["CPU 1516-3 PN/DP", "IPC427E", "CX5140", "IRC5 controller", "KR C4"])
    return {"m": {lg: f"{dev} {w} {s}" for lg, w in SERIAL_WORDS.items() if lg in ("en", "de", "zh", "ja", "vi", "es", "it")},
            "f": [("fw", f"V{r.randint(2, 4)}.{r.randint(0, 9)}.{r.randint(0, 9)}")]}


@T("device_id", "device_id.usb")
def _(r):
    return {"m": {"en": f"usb 1-1.{r.randint(1, 4)}: SerialNumber: {V.rnd(r, '0123456789ABCDEF', 16)}"}, "f": []}


@T("device_id", "device_id.mac_station")
def _(r):
    m = ids.mac(r)
    return {"m": {"en": f"new station {m} learned on port Gi1/0/{r.randint(1, 48)} vlan 120",
                  "de": f"Neue Station {m} an Port {r.randint(1, 48)} gelernt",
                  "zh": f"交换机端口{r.randint(1, 48)}学习到新MAC地址 {m}",
                  "ja": f"ポート{r.randint(1, 48)}で新規MACアドレス {m} を学習",
                  "vi": f"Học địa chỉ MAC mới {m} trên cổng {r.randint(1, 48)}"}, "f": []}


@T("device_id", "device_id.modem_imei")
def _(r):
    im, ic = ids.imei(r), ids.iccid(r)
    return {"m": {"en": f"LTE modem registered: IMEI {im}, ICCID {ic}, operator 26202",
                  "de": f"LTE-Modem eingebucht: IMEI {im}, ICCID {ic}",
                  "zh": f"4G模块注册成功：IMEI {im}，ICCID {ic}", "ja": f"LTEモデム登録 IMEI {im} ICCID {ic}",
                  "vi": f"Modem LTE đã đăng ký: IMEI {im}, ICCID {ic}"}, "f": []}


@T("device_id", "device_id.vin")
def _(r):
    v = ids.vin(r)
    return {"m": {"en": f"telematics unit paired with vehicle VIN {v}",
                  "de": f"Telematikeinheit mit Fahrzeug FIN {v} gekoppelt",
                  "zh": f"车载终端已绑定车辆VIN {v}", "ja": f"車載器 車台番号(VIN) {v} と紐付け",
                  "vi": f"Thiết bị giám sát hành trình gắn với xe VIN {v}",
                  "ko": f"텔레매틱스 단말 차량 VIN {v} 연결"}, "f": []}


@T("device_id", "device_id.ble")
def _(r):
    m = ids.mac(r, "colon")
    return {"m": {"en": f"BLE tag {m} advertising, interval 1000 ms",
                  "zh": f"蓝牙信标 {m} 广播间隔1000 ms", "ja": f"BLEタグ {m} 検出 アドバタイズ間隔1000 ms",
                  "de": f"BLE-Tag {m} erkannt, Advertising-Intervall 1000 ms"}, "f": []}


@T("device_id", "device_id.camera")
def _(r):
    return {"m": {"en": f"opened camera Basler acA2440-20gm (serial {r.randint(20000000, 40999999)}) at 23 fps",
                  "de": f"Kamera Basler acA2440-20gm geöffnet (Seriennummer {r.randint(20000000, 40999999)})",
                  "zh": f"已打开相机 Basler acA2440-20gm（序列号 {r.randint(20000000, 40999999)}）",
                  "ja": f"カメラ Basler acA2440-20gm (シリアル番号 {r.randint(20000000, 40999999)}) 接続"}, "f": []}


@T("device_id", "device_id.field_mac")
def _(r):
    return {"m": {"en": "device announced", "de": "Gerät angemeldet", "zh": "设备上线", "ja": "デバイス接続",
                  "vi": "Thiết bị trực tuyến"}, "f": [("mac", ids.mac(r))]}


@T("device_id", "device_id.field_serial")
def _(r):
    return {"m": {"en": "battery module added", "de": "Batteriemodul hinzugefügt", "zh": "电池模组已添加",
                  "ja": "バッテリーモジュール追加", "vi": "Đã thêm mô-đun pin"},
            "f": [("serialNumber", serial(r))]}


# =========================================================================== geolocation


@T("geolocation", "geolocation.gps_fix")
def _(r):
    la, lo = V.latlon(r)
    return {"m": {"en": f"GNSS fix 3D, {r.randint(6, 18)} sats, hdop 0.9: lat {la} lon {lo}",
                  "de": f"GNSS-Fix 3D mit {r.randint(6, 18)} Satelliten: Breite {la}, Länge {lo}",
                  "zh": f"GNSS定位成功 卫星{r.randint(6, 18)}颗 纬度{la} 经度{lo}",
                  "ja": f"GNSS測位 3D 衛星{r.randint(6, 18)} 緯度{la} 経度{lo}",
                  "vi": f"Định vị GNSS 3D: vĩ độ {la}, kinh độ {lo}"}, "f": []}


@T("geolocation", "geolocation.nmea")
def _(r):
    la, lo = V.latlon(r)
    return {"m": {"en": f"nmea rx {V.nmea_rmc(r, la, lo)}"}, "f": []}


@T("geolocation", "geolocation.dms")
def _(r):
    la, lo = V.latlon(r)
    p = f"{V.dms(la, 'N', 'S')} {V.dms(lo, 'E', 'W')}"
    return {"m": {"en": f"truck TR-22 parked at {p}", "de": f"LKW TR-22 abgestellt bei {p}",
                  "vi": f"Xe tải TR-22 đỗ tại {p}", "fr": f"camion TR-22 stationné à {p}",
                  "es": f"camión TR-22 aparcado en {p}"}, "f": []}


@T("geolocation", "geolocation.cjk")
def _(r):
    la, lo = V.latlon(r)
    return {"m": {"zh": f"车辆位置：北纬{abs(la)}°，东经{abs(lo)}°，速度 0 km/h",
                  "ja": f"車両位置 北緯{abs(la)}度 東経{abs(lo)}度",
                  "ko": f"차량 위치 북위 {abs(la)} 동경 {abs(lo)}"}, "f": []}


@T("geolocation", "geolocation.fields")
def _(r):
    la, lo = V.latlon(r)
    return {"m": {"en": "position report", "de": "Positionsmeldung", "zh": "位置上报", "ja": "位置報告",
                  "vi": "Báo cáo vị trí"}, "f": [("lat", la), ("lon", lo), ("alt_m", U(r, 2, 400))]}


@T("geolocation", "geolocation.delivery_address")
def _(r):
    return {"m": {lg: {"en": "delivery address: ", "de": "Lieferadresse: ", "zh": "收货地址：", "ja": "納品先住所: ",
                       "vi": "Địa chỉ giao hàng: ", "ko": "배송 주소: ", "fr": "adresse de livraison : ",
                       "es": "dirección de entrega: ", "pt": "morada de entrega: ", "it": "indirizzo di consegna: "}[lg]
                  + r.choice(V.POSTAL[lg]) for lg in V.POSTAL}, "f": []}


@T("geolocation", "geolocation.geofence")
def _(r):
    la, lo = V.latlon(r)
    return {"m": {"en": f"forklift FL-09 left geofence yard-north at {la},{lo}",
                  "de": f"Stapler FL-09 hat Geofence Hof-Nord verlassen bei {la},{lo}",
                  "zh": f"叉车FL-09驶出电子围栏 位置 {la},{lo}",
                  "ja": f"フォークリフトFL-09 ジオフェンス外 位置 {la},{lo}",
                  "vi": f"Xe nâng FL-09 rời vùng địa lý tại {la},{lo}"}, "f": []}


@T("geolocation personal", "geolocation.service_visit")
def _(r):
    return {"m": {lg: {"en": "field service visit by {n} at {a}", "de": "Serviceeinsatz durch {n} bei {a}",
                       "zh": "现场服务工程师{n} 地址：{a}", "ja": "出張サービス担当 {n} 訪問先 {a}",
                       "vi": "Kỹ thuật viên {n} đến bảo trì tại {a}"}[lg].format(n=V.name(r, lg), a=r.choice(V.POSTAL[lg]))
                  for lg in ("en", "de", "zh", "ja", "vi")}, "f": []}


# =========================================================================== secret


@T("secret", "secret.pg_url")
def _(r):
    u, p = r.choice(["mes_app", "historian", "grafana_ro"]), V.password(r)
    url = f"postgresql://{u}:{p}@pg-mes-1.plant.local:5432/mes"
    return {"m": {"en": f"connecting with DATABASE_URL={url}", "de": f"Verbindungsaufbau mit {url}",
                  "zh": f"数据库连接串 {url}", "ja": f"DB接続文字列 {url}", "vi": f"Chuỗi kết nối CSDL {url}"}, "f": []}


@T("secret", "secret.mssql")
def _(r):
    cs = f"Server=sql-mes01;Database=MES;User Id=sa;Password={V.password(r)};TrustServerCertificate=True"
    return {"m": {"en": f"ConnectionStrings:Default = {cs}", "de": f"Verbindungszeichenfolge: {cs}",
                  "zh": f"连接字符串：{cs}", "ja": f"接続文字列: {cs}"}, "f": []}


@T("secret", "secret.aws")
def _(r):
    k, s = V.aws_key(r)
    return {"m": {"en": f"using credentials aws_access_key_id={k} aws_secret_access_key={s}",
                  "de": f"S3-Zugang: aws_access_key_id={k} aws_secret_access_key={s}"}, "f": []}


@T("secret", "secret.bearer")
def _(r):
    t = V.jwt(r)
    return {"m": {"en": f"POST /api/v1/telemetry Authorization: Bearer {t}",
                  "zh": f"请求头 Authorization: Bearer {t}", "ja": f"リクエスト Authorization: Bearer {t}"}, "f": []}


@T("secret", "secret.github")
def _(r):
    return {"m": {"en": f"git clone https://x-access-token:{V.github_token(r)}@github.com/plant-it/edge-config.git"}, "f": []}


@T("secret", "secret.slack")
def _(r):
    return {"m": {"en": f"notifier config: slack_token={V.slack_token(r)} channel=#line4-ops",
                  "de": f"Benachrichtigung konfiguriert: slack_token={V.slack_token(r)}"}, "f": []}


@T("secret", "secret.private_key")
def _(r):
    return {"m": {"en": f"loaded key: -----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACB{V.rnd(r, V.B64, 40)}",
                  "de": f"Schlüssel gelesen: -----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEA{V.rnd(r, V.B64, 48)}"}, "f": []}


@T("secret", "secret.mqtt_password")
def _(r):
    p = V.password(r)
    return {"m": {"en": "MQTT bridge credentials set", "de": "MQTT-Bridge Zugangsdaten gesetzt", "zh": "MQTT桥接凭据已设置",
                  "ja": "MQTTブリッジ認証情報設定", "vi": "Đã đặt thông tin đăng nhập MQTT bridge"},
            "f": [("username", "edge01"), ("password", p)]}


@T("secret", "secret.rtsp_credentials")
def _(r):
    u = f"rtsp://admin:{V.password(r)}@cam-0{r.randint(1, 9)}.plant.local:554/h264"
    return {"m": {"en": f"recorder source {u}", "de": f"Rekorderquelle {u}", "zh": f"录像机视频源 {u}",
                  "ja": f"録画ソース {u}", "vi": f"Nguồn ghi hình {u}"}, "f": []}


@T("secret", "secret.azure_sas")
def _(r):
    cs = f"HostName=plant-iothub.azure-devices.net;DeviceId=edge-ipc-12;SharedAccessKey={V.rnd(r, V.B64, 43)}="
    return {"m": {"en": f"IoT Hub connection string: {cs}", "zh": f"IoT Hub连接字符串：{cs}"}, "f": []}


@T("secret", "secret.influx_token")
def _(r):
    t = V.rnd(r, V.URLSAFE, 86) + "=="
    return {"m": {"en": "telegraf output influxdb_v2 configured", "de": "Telegraf-Ausgabe influxdb_v2 konfiguriert",
                  "zh": "telegraf输出influxdb_v2已配置", "ja": "telegraf 出力 influxdb_v2 設定"},
            "f": [("token", t), ("org", "plant")]}


@T("secret", "secret.basic_auth")
def _(r):
    import base64
    u = r.choice(["svc_mes", "opcua_client", "kepware"])
    b = base64.b64encode(f"{u}:{V.password(r)}".encode()).decode()
    return {"m": {"en": f"outbound request header Authorization: Basic {b}",
                  "vi": f"Header gửi đi Authorization: Basic {b}"}, "f": []}


@T("secret", "secret.api_key")
def _(r):
    k = "sk-" + V.rnd(r, V.ALNUM, 48)
    return {"m": {"en": f"vision-labeling client init api_key={k}", "de": f"Client initialisiert, api_key={k}",
                  "zh": f"客户端初始化 api_key={k}", "ja": f"クライアント初期化 api_key={k}",
                  "vi": f"Khởi tạo client api_key={k}", "ko": f"클라이언트 초기화 api_key={k}"}, "f": []}


# =========================================================================== personal


@T("personal", "personal.login")
def _(r):
    lg = {lg: V.person(r, lg) for lg in ("en", "de", "zh", "ja", "vi", "ko", "fr")}
    return {"m": {"en": f"user {lg['en'][1]} logged in on HMI-03 (role: operator)",
                  "de": f"Benutzer {lg['de'][1]} an HMI-03 angemeldet (Rolle Bediener)",
                  "zh": f"用户 {lg['zh'][1]} 登录 HMI-03（角色：操作员）",
                  "ja": f"ユーザー {lg['ja'][1]} が HMI-03 にログイン (権限: オペレータ)",
                  "vi": f"Người dùng {lg['vi'][1]} đăng nhập HMI-03",
                  "ko": f"사용자 {lg['ko'][1]} HMI-03 로그인",
                  "fr": f"utilisateur {lg['fr'][1]} connecté sur HMI-03"}, "f": []}


@T("personal", "personal.handover")
def _(r):
    langs = ("en", "de", "zh", "ja", "vi", "es", "pt")
    a = {lg: V.name(r, lg) for lg in langs}
    b = {lg: V.name(r, lg) for lg in langs}
    return {"m": {"en": f"shift handover from {a['en']} to {b['en']}",
                  "de": f"Schichtübergabe von {a['de']} an {b['de']}",
                  "zh": f"交接班：{a['zh']} 交给 {b['zh']}",
                  "ja": f"引継ぎ {a['ja']} → {b['ja']}",
                  "vi": f"Giao ca từ {a['vi']} cho {b['vi']}",
                  "es": f"relevo de turno de {a['es']} a {b['es']}",
                  "pt": f"passagem de turno de {a['pt']} para {b['pt']}"}, "f": []}


@T("personal", "personal.report_mail")
def _(r):
    e = {lg: V.email(r, lg) for lg in V.NAMES}
    return {"m": {"en": f"shift report PDF sent to {e['en']}",
                  "de": f"Schichtbericht per E-Mail an {e['de']} versendet",
                  "zh": f"班报已发送至 {e['zh']}", "ja": f"日報を {e['ja']} に送信しました",
                  "vi": f"Đã gửi báo cáo ca đến {e['vi']}", "ko": f"교대 보고서를 {e['ko']}(으)로 발송",
                  "it": f"rapporto di turno inviato a {e['it']}"}, "f": []}


@T("personal", "personal.on_call")
def _(r):
    langs = ("en", "de", "zh", "ja", "vi", "ko", "fr", "es", "pt", "it")
    n = {lg: V.name(r, lg) for lg in langs}
    p = {lg: V.phone_for(r, lg) for lg in langs}
    return {"m": {"en": f"on-call technician {n['en']}, tel {p['en']}",
                  "de": f"Rufbereitschaft: {n['de']}, Tel. {p['de']}",
                  "zh": f"值班技术员 {n['zh']}，电话 {p['zh']}",
                  "ja": f"当番技術者 {n['ja']} 電話 {p['ja']}",
                  "vi": f"Kỹ thuật viên trực {n['vi']}, ĐT {p['vi']}",
                  "ko": f"당직 기술자 {n['ko']}, 연락처 {p['ko']}",
                  "fr": f"technicien d'astreinte {n['fr']}, tél. {p['fr']}",
                  "es": f"técnico de guardia {n['es']}, tel. {p['es']}",
                  "pt": f"técnico de plantão {n['pt']}, tel. {p['pt']}",
                  "it": f"tecnico reperibile {n['it']}, tel. {p['it']}"}, "f": []}


@T("personal", "personal.badge")
def _(r):
    b = r.randint(1000000, 9999999)
    return {"m": {"en": f"access granted door D-114, badge {b}",
                  "de": f"Zutritt Tür D-114 gewährt, Ausweisnummer {b}",
                  "zh": f"门禁D-114 通行，工号 {r.choice(['SZ', 'SU'])}{r.randint(2018, 2025)}{r.randint(100, 999)}",
                  "ja": f"入退室 扉D-114 許可 社員番号 {r.randint(100000, 999999)}",
                  "vi": f"Cửa D-114 cho phép, mã nhân viên NV{r.randint(10000, 99999)}",
                  "ko": f"출입문 D-114 승인, 사번 {r.randint(2010, 2025)}{r.randint(1000, 9999)}"}, "f": []}


@T("personal", "personal.visitor")
def _(r):
    langs = ("en", "de", "zh", "ja", "vi")
    n = {lg: V.name(r, lg) for lg in langs}
    h = {lg: V.name(r, lg) for lg in langs}
    return {"m": {"en": f"visitor {n['en']} (Kistler service) registered, host {h['en']}",
                  "de": f"Besucher {n['de']} (Fa. Kistler) angemeldet, Gastgeber {h['de']}",
                  "zh": f"访客{n['zh']}已登记，接待人{h['zh']}",
                  "ja": f"来訪者 {n['ja']} 受付 担当者 {h['ja']}",
                  "vi": f"Khách {n['vi']} đã đăng ký, người tiếp {h['vi']}"}, "f": []}


@T("personal", "personal.national_id")
def _(r):
    return {"m": {"zh": f"承包商入场登记 {V.name(r, 'zh')} 身份证号 {ids.cn_resident_id(r)}",
                  "de": f"Lohnstammdaten aktualisiert: {V.name(r, 'de')}, Steuer-ID {ids.de_tax_id(r)}",
                  "ja": f"人事連携 {V.name(r, 'ja')} 個人番号 {ids.my_number(r)}",
                  "vi": f"Đăng ký nhà thầu {V.name(r, 'vi')}, số CCCD {ids.vn_cccd(r)}",
                  "ko": f"협력업체 출입 등록 {V.name(r, 'ko')} 주민등록번호 {ids.kr_rrn(r)}",
                  "fr": f"intérimaire {V.name(r, 'fr')} enregistré, n° de sécurité sociale {ids.fr_nir(r)}"}, "f": []}


@T("personal", "personal.payroll_iban")
def _(r):
    return {"m": {"en": f"expense refund to {V.name(r, 'en')}, IBAN {ids.iban(r, 'GB')}",
                  "de": f"Reisekostenerstattung an {V.name(r, 'de')}, IBAN {ids.iban(r, 'DE')}",
                  "fr": f"remboursement de frais à {V.name(r, 'fr')}, IBAN {ids.iban(r, 'FR')}",
                  "es": f"reembolso a {V.name(r, 'es')}, IBAN {ids.iban(r, 'ES')}",
                  "it": f"rimborso spese a {V.name(r, 'it')}, IBAN {ids.iban(r, 'IT')}"}, "f": []}


@T("personal", "personal.canteen_card")
def _(r):
    c = ids.card(r)
    return {"m": {"en": f"canteen terminal: payment by card {c} approved",
                  "de": f"Kantinenkasse: Kartenzahlung {c} genehmigt",
                  "zh": f"食堂消费终端：银行卡 {c} 支付成功",
                  "ja": f"社員食堂端末 カード {c} 決済承認",
                  "vi": f"Máy căn tin: thanh toán thẻ {c} thành công"}, "f": []}


@T("personal", "personal.approver")
def _(r):
    lg = {x: V.person(r, x) for x in ("en", "de", "zh", "ja", "vi")}
    e = {x: f"{lg[x][1]}@{r.choice(V.MAIL_DOMAINS[x])}" for x in lg}
    return {"m": {"en": f"access request REQ-{r.randint(1000, 9999)} approved by {lg['en'][0]} <{e['en']}>",
                  "de": f"Zugriffsantrag REQ-{r.randint(1000, 9999)} genehmigt von {lg['de'][0]} <{e['de']}>",
                  "zh": f"权限申请REQ-{r.randint(1000, 9999)}由{lg['zh'][0]}（{e['zh']}）批准",
                  "ja": f"アクセス申請REQ-{r.randint(1000, 9999)} 承認者 {lg['ja'][0]} <{e['ja']}>",
                  "vi": f"Yêu cầu truy cập REQ-{r.randint(1000, 9999)} được {lg['vi'][0]} <{e['vi']}> phê duyệt"}, "f": []}


@T("personal", "personal.sms")
def _(r):
    langs = ("en", "de", "zh", "ja", "vi", "ko", "fr", "es", "pt", "it")
    p = {lg: V.phone_for(r, lg) for lg in langs}
    return {"m": {"en": f"shift reminder SMS delivered to {p['en']}",
                  "de": f"Schicht-Erinnerung per SMS an {p['de']} zugestellt",
                  "zh": f"排班提醒短信已发送至 {p['zh']}",
                  "ja": f"シフト通知SMSを {p['ja']} に送信",
                  "vi": f"Đã gửi SMS nhắc ca tới {p['vi']}",
                  "ko": f"근무 알림 문자 {p['ko']} 발송 완료",
                  "fr": f"SMS de rappel d'équipe envoyé au {p['fr']}",
                  "es": f"SMS de recordatorio de turno enviado al {p['es']}",
                  "pt": f"SMS de lembrete de turno enviado para {p['pt']}",
                  "it": f"SMS promemoria turno inviato al {p['it']}"}, "f": []}


@T("personal", "personal.field_user")
def _(r):
    lg = r.choice(["en", "de", "zh", "ja", "vi", "ko"])
    return {"m": {"en": "dashboard layout saved", "de": "Dashboard-Layout gespeichert", "zh": "看板布局已保存",
                  "ja": "ダッシュボードのレイアウトを保存", "vi": "Đã lưu bố cục bảng điều khiển"},
            "f": [("user", V.person(r, lg)[1]), ("email", V.email(r, lg))]}


# =========================================================================== none


@T("none", "none.heartbeat", lv="info debug")
def _(r):
    return {"m": {"en": f"heartbeat ok, uptime {r.randint(1, 900)}h{r.randint(0, 59)}m, queue depth {r.randint(0, 12)}",
                  "de": f"Lebenszeichen OK, Laufzeit {r.randint(1, 900)} h, Warteschlange {r.randint(0, 12)}",
                  "zh": f"心跳正常，运行时间 {r.randint(1, 900)} 小时，队列 {r.randint(0, 12)}",
                  "ja": f"ハートビート正常 稼働時間 {r.randint(1, 900)}時間 キュー {r.randint(0, 12)}",
                  "vi": f"Heartbeat bình thường, thời gian chạy {r.randint(1, 900)} giờ",
                  "ko": f"하트비트 정상, 가동 시간 {r.randint(1, 900)}시간",
                  "fr": f"battement de cœur OK, file d'attente {r.randint(0, 12)}",
                  "es": "latido correcto, cola vacía", "pt": "heartbeat ok, fila vazia",
                  "it": f"heartbeat ok, coda {r.randint(0, 12)}"}, "f": []}


@T("none", "none.started", lv="info notice")
def _(r):
    app, v = r.choice([("mosquitto", "2.0.18"), ("telegraf", "1.29.4"), ("Node-RED", "3.1.9"),
                       ("emqx", "5.6.1"), ("tritonserver", "2.44.0"), ("influxd", "2.7.5")])
    return {"m": {"en": f"{app} version {v} starting", "de": f"{app} Version {v} wird gestartet",
                  "zh": f"{app} {v} 版本启动中", "ja": f"{app} バージョン{v} 起動",
                  "vi": f"Khởi động {app} phiên bản {v}", "ko": f"{app} 버전 {v} 시작",
                  "fr": f"démarrage de {app} version {v}"}, "f": []}


@T("none", "none.config", lv="info debug")
def _(r):
    return {"m": {"en": f"configuration reloaded from /etc/edge/agent.yaml (sha256 {V.hexs(r, 64)}), 42 tags",
                  "de": "Konfiguration /etc/edge/agent.yaml neu geladen, 42 Tags",
                  "zh": "已重新加载配置 /etc/edge/agent.yaml，共42个点位",
                  "ja": "設定ファイル /etc/edge/agent.yaml を再読込 タグ42件",
                  "vi": "Đã nạp lại cấu hình /etc/edge/agent.yaml, 42 tag",
                  "es": "configuración recargada desde /etc/edge/agent.yaml"}, "f": []}


@T("none", "none.job", lv="info")
def _(r):
    hh = f"{r.randint(0, 5):02d}:{r.choice(['00', '15', '30', '45'])}"
    return {"m": {"en": f"job historian-compaction scheduled, next run {hh} UTC",
                  "de": f"Job historian-compaction eingeplant, nächster Lauf {hh} Uhr",
                  "zh": f"任务historian-compaction已排程，下次运行 {hh}",
                  "ja": f"ジョブ historian-compaction 登録 次回 {hh}",
                  "vi": f"Đã lên lịch tác vụ historian-compaction lúc {hh}",
                  "pt": f"tarefa historian-compaction agendada para {hh}"}, "f": [("job_id", V.uid(r))]}


@T("none", "none.backup", lv="info")
def _(r):
    return {"m": {"en": f"backup of historian completed: {U(r, 0.5, 40)} GiB in {r.randint(20, 900)} s",
                  "de": f"Sicherung Historian abgeschlossen: {dc(str(U(r, 0.5, 40)), 'de')} GiB in {r.randint(20, 900)} s",
                  "zh": f"历史库备份完成：{U(r, 0.5, 40)} GiB，用时{r.randint(20, 900)}秒",
                  "ja": f"ヒストリアンのバックアップ完了 {U(r, 0.5, 40)} GiB {r.randint(20, 900)}秒",
                  "vi": f"Sao lưu historian hoàn tất: {U(r, 0.5, 40)} GiB",
                  "ko": "히스토리안 백업 완료", "it": "backup dello storico completato"}, "f": []}


@T("none", "none.image_pulled", lv="info")
def _(r):
    return {"m": {"en": f"Successfully pulled image \"registry.plant.local/mes/api:2.{r.randint(1, 20)}.{r.randint(0, 9)}\" "
                        f"in {U(r, 0.5, 30, 3)}s, digest sha256:{V.hexs(r, 64)}"}, "f": []}


@T("none", "none.http_ok", lv="info")
def _(r):
    return {"m": {"en": f"GET /healthz 200 {U(r, 0.1, 9, 2)}ms host=mes-api.svc.local ua=kube-probe/1.29"}, "f": []}


@T("none", "none.firmware", lv="info")
def _(r):
    v = f"{r.randint(1, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}.{r.randint(1, 250)}"
    return {"m": {"en": f"firmware version {v} is up to date", "de": f"Firmwarestand {v} ist aktuell",
                  "zh": f"固件版本 {v} 已是最新", "ja": f"ファームウェア {v} は最新です",
                  "vi": f"Phiên bản firmware {v} đã mới nhất", "fr": f"micrologiciel {v} à jour"}, "f": []}


@T("none", "none.lookalike_ref", lv="info")
def _(r):
    kind = r.choice(["card", "iban", "cn_resident_id", "de_tax_id", "imei", "jp_my_number"])
    v = {"card": lambda: ids.card(r, valid=False), "iban": lambda: ids.iban(r, valid=False),
         "cn_resident_id": lambda: ids.cn_resident_id(r, valid=False),
         "de_tax_id": lambda: ids.de_tax_id(r, valid=False), "imei": lambda: ids.imei(r, valid=False),
         "jp_my_number": lambda: ids.my_number(r, valid=False)}[kind]()
    return {"look": [(kind, v)], "m": {
        "en": f"shipment label printed, tracking no. {v}", "de": f"Versandetikett gedruckt, Sendungsnummer {v}",
        "zh": f"快递面单已打印，运单号 {v}", "ja": f"出荷ラベル印刷 追跡番号 {v}",
        "vi": f"Đã in nhãn vận chuyển, mã vận đơn {v}", "ko": f"배송 라벨 출력, 운송장 번호 {v}",
        "fr": f"étiquette d'expédition imprimée, n° de suivi {v}"}, "f": []}


@T("none", "none.lookalike_field", lv="info debug")
def _(r):
    kind = r.choice(["card", "imei", "jp_my_number", "de_tax_id", "cn_resident_id"])
    v = {"card": lambda: ids.card(r, valid=False, grouped=False), "imei": lambda: ids.imei(r, valid=False),
         "jp_my_number": lambda: ids.my_number(r, valid=False), "de_tax_id": lambda: ids.de_tax_id(r, valid=False),
         "cn_resident_id": lambda: ids.cn_resident_id(r, valid=False)}[kind]()
    key = r.choice(["barcode", "doc_no", "msg_ref", "carrier_ref"])
    val: object = int(v) if v.isdigit() and r.random() < 0.5 else v
    return {"look": [(kind, v)], "m": {"en": "label scanned", "de": "Etikett gescannt", "zh": "条码已扫描",
                                       "ja": "ラベル読取", "vi": "Đã quét nhãn"}, "f": [(key, val)]}


@T("none", "none.masked", lv="info")
def _(r):
    m = r.choice(["******", "<redacted>", "[MASKED]", "***"])
    return {"m": {"en": f"datasource 'historian' updated: user=svc_historian password={m}",
                  "de": f"Datenquelle 'historian' aktualisiert: Benutzer svc_historian, Passwort {m}",
                  "zh": f"数据源'historian'已更新：用户 svc_historian 密码 {m}",
                  "ja": f"データソース 'historian' 更新 ユーザー svc_historian パスワード {m}",
                  "vi": f"Cập nhật nguồn dữ liệu 'historian': user=svc_historian password={m}"}, "f": []}


@T("none", "none.bait", lv="info")
def _(r):
    m = r.choice([
        {"en": "calibration-service connected to broker mqtt-brk-2", "de": "calibration-service mit Broker verbunden",
         "zh": "calibration-service 已连接到代理", "ja": "calibration-service がブローカーに接続"},
        {"en": "quality-gateway health check ok", "de": "quality-gateway Health-Check OK",
         "zh": "quality-gateway 健康检查正常", "vi": "quality-gateway kiểm tra sức khỏe OK"},
        {"en": "subscribed to topic factory/+/sensor/# (qos 1)", "zh": "已订阅主题 factory/+/sensor/#",
         "ja": "トピック factory/+/sensor/# を購読"},
        {"en": "model-registry sync finished, 0 changes", "de": "model-registry Abgleich beendet, 0 Änderungen"},
        {"en": "diagnostics-exporter listening on :9102", "ja": "diagnostics-exporter ポート9102で待受"},
        {"en": "geo-service cache warmed (1,204 entries)", "vi": "geo-service đã làm nóng bộ đệm"}])
    return {"m": m, "f": []}


@T("none", "none.sync", lv="info debug")
def _(r):
    n = r.randint(100, 5000)
    return {"m": {"en": f"synced {n} tags to historian in {U(r, 0.05, 4, 3)} s (batch {r.randint(1, 99999)})",
                  "de": f"{n} Tags in {dc(str(U(r, 0.05, 4, 3)), 'de')} s an Historian übertragen",
                  "zh": f"已同步{n}个点位到历史库，用时{U(r, 0.05, 4, 3)}秒",
                  "ja": f"{n}タグをヒストリアンへ同期 {U(r, 0.05, 4, 3)}秒",
                  "vi": f"Đã đồng bộ {n} tag lên historian"}, "f": []}


@T("none", "none.lease", lv="info debug")
def _(r):
    return {"m": {"en": f"successfully renewed lease mes/edge-controller-leader (holder {V.uid(r)})"}, "f": []}


@T("none", "none.screen_lock", lv="info")
def _(r):
    return {"m": {"en": "HMI screen locked after 10 min inactivity", "de": "Bildschirm nach 10 min Inaktivität gesperrt",
                  "zh": "HMI 10分钟无操作已锁屏", "ja": "HMI 10分間操作なしのため画面ロック",
                  "vi": "Màn hình HMI khóa sau 10 phút", "ko": "HMI 10분 미사용으로 화면 잠금"}, "f": []}


@T("none", "none.svc_account", lv="info")
def _(r):
    u = r.choice(["svc_mes", "admin", "ope01", "edge01", "historian"])
    return {"m": {"en": f"OAuth token refreshed for service account {u}, expires in 3600 s",
                  "de": f"Token für Dienstkonto {u} erneuert, gültig 3600 s",
                  "zh": f"服务账号{u}的令牌已刷新，3600秒后过期",
                  "ja": f"サービスアカウント{u} のトークン更新 有効期限3600秒"}, "f": [("session", V.hexs(r, 24))]}


@T("none", "none.git_rev", lv="info")
def _(r):
    return {"m": {"en": f"edge-config at commit {V.hexs(r, 40)} applied, {r.randint(1, 30)} files changed",
                  "de": f"edge-config Stand {V.hexs(r, 40)} angewendet"}, "f": []}
