# ruff: noqa: RUF001, E501
"""Record templates of set (c), by category and language.

A template is a function (lang, V) -> R: the record's free text (`msg`), its structured
fields (`kv`, rendered as JSON keys, logfmt pairs, syslog SD-PARAMs or appended to the
text, depending on the file), the categories it truly contains (`cats`), and optionally
its level, its type code and the look-alike identifiers it carries. The labelling rules
are in README.md; each template states its categories, nothing is inferred.

Keys starting with `@` are canonical names that the renderer localises (`@temp` becomes
`温度` in a Chinese JSON record, `Temperatur` in a German one, `temp` in logfmt).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import ids
from values import V

CATEGORIES = ["personal", "device_id", "network_id", "geolocation", "secret", "calibration",
              "sensor", "diagnostic", "operational", "quality", "model"]
LANGS = ["en", "de", "zh", "ja", "vi"]


@dataclass
class R:
    msg: str
    cats: set[str]
    kv: list[tuple[str, object]] = field(default_factory=list)
    level: str = "info"
    kind: str | None = None
    look: list[tuple[str, str]] = field(default_factory=list)  # (kind, value)


@dataclass
class Tpl:
    name: str
    cat: str
    langs: list[str]
    fn: Callable[[str, V], R]
    weight: float


TEMPLATES: dict[str, list[Tpl]] = defaultdict(list)


def tpl(cat: str, langs: str = "en de zh ja vi", w: float = 1.0):
    def deco(fn):
        TEMPLATES[cat].append(Tpl(fn.__name__, cat, langs.split(), fn, w))
        return fn
    return deco


# Type codes per primary category: tokenised, abbreviated, in several vocabularies.
KINDS = {
    "sensor": ["telemetry", "tlm", "sensor.reading", "meas", "DATA", "pv", "ts.sample", "MW",
               "io.ai", "monitor"],
    "diagnostic": ["fw.diag", "diag", "alarm", "ALM", "fault", "evt.alarm", "dtc", "ERR",
                   "maint", "exc", "Störung", "故障"],
    "calibration": ["ar.calibration", "CAL", "cal.result", "calib", "kal", "cam.intr",
                    "sensor.cal", "KALIB", "校准"],
    "operational": ["process.opt", "recipe", "RCP", "setpoint", "job", "mes.order", "prod",
                    "PARAM", "sched", "nc.prog"],
    "quality": ["QC", "qa.inspect", "spc", "insp", "QS", "test.result", "AOI", "検査"],
    "model": ["ml.train", "model.deploy", "infer.cfg", "mdl", "ml", "ai.vision", "train"],
    "personal": ["hr.sync", "access", "user.evt", "op.login", "notify", "badge", "visitor"],
    "device_id": ["inv", "asset.reg", "dev.info", "hw", "discovery", "provision"],
    "network_id": ["net", "conn", "fw.net", "dhcp", "link", "netflow"],
    "geolocation": ["gps", "loc", "gnss", "pos", "fleet.pos", "track"],
    "secret": ["cfg", "conf.dump", "env", "auth", "deploy", "ci"],
    "none": ["svc.event", "hb", "heartbeat", "sys", "info", "lifecycle", "evt", "audit.sys",
             "status", "app"],
}


def L(lang: str, **by: str) -> str:
    return by[lang]


# ============================================================================ sensor


@tpl("sensor")
def coolant_pump(lang, v):
    a, p = v.f(1.5, 4.2, 2), v.f(40, 80, 1)
    return R(L(lang,
               en=v.c([f"coolant pump current {a} A, pressure {p} bar",
                       f"Coolant: pump {a}A / {p} bar"]),
               de=v.c([f"Kühlmittelpumpe: Strom {a} A, Druck {p} bar",
                       f"KSS-Pumpe I={a} A p={p} bar"]),
               zh=v.c([f"冷却泵电流{a}A，压力{p}bar", f"切削液泵 电流 {a} A 压力 {p} bar"]),
               ja=f"クーラントポンプ 電流{a}A 圧力{p}bar",
               vi=f"Bơm làm mát: dòng điện {a} A, áp suất {p} bar"), {"sensor"})


@tpl("sensor")
def spindle_bearing(lang, v):
    t, r = v.f(31, 68), v.f(0.4, 4.5, 2)
    return R(L(lang,
               en=v.c([f"spindle bearing temp {t} °C, vibration {r} mm/s RMS",
                       f"spindle: T_bearing={t}C vib_rms={r}mm/s"]),
               de=v.c([f"Spindellager-Temperatur {t} °C, Schwingung {r} mm/s eff.",
                       f"Spindel Lagertemp. {t}°C Schwinggeschw. {r} mm/s"]),
               zh=v.c([f"主轴轴承温度 {t}℃，振动 {r} mm/s", f"主轴温升监测：{t}°C，振动速度{r}mm/s"]),
               ja=f"主軸ベアリング温度 {t}℃、振動 {r} mm/s",
               vi=f"nhiệt độ ổ trục chính {t}°C, độ rung {r} mm/s"), {"sensor"})


@tpl("sensor")
def environment(lang, v):
    t, h = v.f(18, 31), v.f(25, 70)
    kv = [("@temp", float(t)), ("@humidity", float(h))]
    if v.p(0.4):
        kv.append(("pm25", v.i(3, 60)))
    return R(L(lang, en=v.c(["env reading", "ambient conditions hall 2", "room sensor update"]),
               de=v.c(["Messwert Halle 2", "Raumklima", "Umgebungssensor"]),
               zh=v.c(["环境监测", "车间温湿度", "温湿度上报"]),
               ja=v.c(["環境計測値", "温湿度データ"]),
               vi=v.c(["số đo môi trường", "nhiệt độ độ ẩm xưởng"])), {"sensor"}, kv)


@tpl("sensor")
def opcua_node(lang, v):
    node = v.c(["ns=2;s=Line1.Oven.Zone3.Temp", "ns=3;s=PLC1.DB10.Press_PV",
                "ns=2;s=Mixer.Motor.Current", "ns=4;i=6021", "ns=2;s=Kessel2.Fuellstand",
                "ns=5;s=Hydraulik.Oeltemperatur"])
    val, unit = v.c([(v.f(150, 230), "degC"), (v.f(2, 9, 2), "bar"), (v.f(3, 40, 1), "A"),
                     (v.f(10, 95), "%"), (v.f(20, 60), "°C")])
    kv = [("nodeId", node), ("value", float(val)), ("unit", unit),
          ("statusCode", v.c(["Good", "0x00000000"])),
          ("sourceTimestamp", f"2024-05-03T{v.i(6, 22):02d}:{v.i(0, 59):02d}:{v.i(0, 59):02d}Z")]
    return R(L(lang, en="data change", de="Datenänderung", zh="数据变化", ja="データ変更",
               vi="thay đổi dữ liệu"), {"sensor"}, kv, kind=v.c(["ua.dataChange", "opcua",
                                                                  "monitoredItem"]))


@tpl("sensor")
def hydraulic_unit(lang, v):
    t, lv, p = v.f(35, 58), v.i(60, 98), v.f(120, 210)
    return R(L(lang,
               en=f"hydraulic unit: oil temp {t} °C, level {lv} %, P1 {p} bar",
               de=f"Hydraulikaggregat Öltemperatur {t} °C, Füllstand {lv} %, P1 {p} bar",
               zh=f"液压站油温{t}°C 液位{lv}% 系统压力{p}bar",
               ja=f"油圧ユニット 油温{t}°C 油量{lv}% 圧力{p}bar",
               vi=f"trạm thủy lực: nhiệt độ dầu {t}°C, mức dầu {lv}%, áp suất {p} bar"),
             {"sensor"})


@tpl("sensor", "en")
def imu_sample(lang, v):
    ax, ay, az = v.f(-0.5, 0.5, 3), v.f(-0.5, 0.5, 3), v.f(9.6, 9.95, 3)
    g = [v.f(-0.02, 0.02, 4) for _ in range(3)]
    return R(v.c([f"imu ax={ax} ay={ay} az={az} m/s^2 gx={g[0]} gy={g[1]} gz={g[2]} rad/s",
                  f"/imu/data: lin_acc=({ax},{ay},{az}) ang_vel=({g[0]},{g[1]},{g[2]})"]),
             {"sensor"})


@tpl("sensor", "en de zh ja")
def fusion_track(lang, v):
    n, d, vx = v.i(1, 64), v.f(3, 80), v.f(-15, 15, 2)
    x, y = v.f(2, 60, 2), v.f(-6, 6, 2)
    return R(L(lang,
               en=v.c([f"fused track id={n} x={x}m y={y}m vx={vx}m/s class=pedestrian conf=0.8{v.i(0, 9)}",
                       f"sensor fusion: object {n} range {d} m, rel. velocity {vx} m/s (radar+camera)"]),
               de=f"Fusionsobjekt {n}: Abstand {d} m, Relativgeschwindigkeit {vx} m/s (Radar+Kamera)",
               zh=f"融合目标 #{n} 距离 {d} m 相对速度 {vx} m/s（毫米波雷达+摄像头）",
               ja=f"フュージョン物体 {n}: 距離 {d} m 相対速度 {vx} m/s"), {"sensor"},
             kind=v.c(["fusion", "perception.track", "sf.out"]))


@tpl("sensor")
def energy_meter(lang, v):
    u, a, kw, pf = v.f(228, 236), v.f(10, 90), v.f(4, 60, 2), v.f(0.82, 0.99, 2)
    return R(L(lang,
               en=f"power meter L1 {u} V {a} A P={kw} kW PF={pf}",
               de=f"Energiezähler: U_L1={u} V, I_L1={a} A, P={kw} kW, cos φ={pf}",
               zh=f"电表 A相电压{u}V 电流{a}A 有功功率{kw}kW 功率因数{pf}",
               ja=f"電力計 電圧{u}V 電流{a}A 有効電力{kw}kW 力率{pf}",
               vi=f"đồng hồ điện: điện áp {u} V, dòng {a} A, công suất {kw} kW, hệ số {pf}"),
             {"sensor"})


@tpl("sensor")
def agv_battery(lang, v):
    n, soc, u, t = v.i(1, 24), v.i(12, 100), v.f(46, 54), v.f(28, 61)
    return R(L(lang,
               en=f"AGV-{n:02d} battery {soc}% {u} V, drive motor {t} °C",
               de=f"FTF {n:02d}: Akku {soc} %, {u} V, Fahrmotor {t} °C",
               zh=f"AGV{n:02d} 电量{soc}% 电压{u}V 驱动电机温度{t}℃",
               ja=f"AGV{n:02d} バッテリー残量{soc}% 電圧{u}V モータ温度{t}℃",
               vi=f"xe AGV{n:02d} pin {soc}%, điện áp {u} V, nhiệt độ động cơ {t}°C"),
             {"sensor"})


@tpl("sensor", "en de zh")
def historian_tag(lang, v):
    tag = v.c(["FIC-101.PV", "TI_2031", "PT-204.PV", "LT_201", "AI_12.Value", "TT3105/PV"])
    val = v.f(0.5, 250, 2)
    unit = v.c(["m3/h", "°C", "bar", "%", "kPa", "l/min"])
    return R(L(lang, en=v.c(["", "sample"]), de=v.c(["", "Messwert"]), zh=v.c(["", "采样值"])),
             {"sensor"}, [("tag", tag), ("value", float(val)), ("unit", unit),
                          ("quality", v.c([192, "GOOD", 0]))])


@tpl("sensor", "en ja")
def robot_torque(lang, v):
    t = [v.f(-80, 80, 1) for _ in range(6)]
    return R(L(lang,
               en=f"joint torques [Nm]: J1={t[0]} J2={t[1]} J3={t[2]} J4={t[3]} J5={t[4]} J6={t[5]}",
               ja=f"軸トルク[Nm] J1={t[0]} J2={t[1]} J3={t[2]} J4={t[3]} J5={t[4]} J6={t[5]}"),
             {"sensor"})


@tpl("sensor", "en de zh vi")
def thermal_cam(lang, v):
    roi, t = v.i(1, 8), v.f(40, 95)
    return R(L(lang,
               en=f"thermal camera ROI {roi}: max {t} °C, mean {v.f(30, 39)} °C",
               de=f"Wärmebildkamera ROI {roi}: max. {t} °C, Mittel {v.f(30, 39)} °C",
               zh=f"红外热像 区域{roi} 最高温度 {t}℃ 平均 {v.f(30, 39)}℃",
               vi=f"camera nhiệt vùng {roi}: cao nhất {t} °C"), {"sensor"})


@tpl("sensor", "en de zh ja vi")
def tank_flow(lang, v):
    q, lv = v.f(2, 40, 1), v.f(0.3, 4.8, 2)
    return R(L(lang,
               en=v.c([f"tank T2 level {lv} m, inflow {q} l/min", f"flow={q}L/min lvl={lv}m"]),
               de=f"Behälter B2 Füllstand {lv} m, Zulauf {q} l/min",
               zh=f"2号罐液位 {lv} m 进水流量 {q} L/min",
               ja=f"タンク2 液位{lv}m 流量{q}L/min",
               vi=f"bồn 2: mức {lv} m, lưu lượng vào {q} l/phút"), {"sensor"})


@tpl("sensor", "en")
def amr_pose(lang, v):
    return R(v.c([f"amcl pose x={v.f(0, 80, 3)} y={v.f(0, 40, 3)} theta={v.f(-3.14, 3.14, 3)} "
                  f"(map) cov_xx={v.f(0.001, 0.05, 4)}",
                  f"localization: pose=({v.f(0, 80, 2)}, {v.f(0, 40, 2)}, "
                  f"{v.f(-180, 180, 1)}deg) in frame map, score {v.f(0.6, 0.99, 2)}"]),
             {"sensor"}, kind=v.c(["nav", "slam", "loc.pose"]))


@tpl("sensor", "en de")
def sparkplug_metrics(lang, v):
    metrics = [{"name": "Motor/Current", "value": float(v.f(3, 30, 2)), "type": "Float"},
               {"name": "Motor/Speed", "value": v.i(900, 2990), "type": "Int32"},
               {"name": "Bearing/Temperature", "value": float(v.f(30, 70, 1)), "type": "Float"}]
    if lang == "de":
        metrics = [{"name": "Antrieb/Strom", "value": metrics[0]["value"], "type": "Float"},
                   {"name": "Antrieb/Drehzahl_ist", "value": metrics[1]["value"],
                    "type": "Int32"}]
    return R("", {"sensor"}, [("metrics", metrics), ("seq", v.i(0, 255))],
             kind=v.c(["spBv1.0/DDATA", "DDATA", "NDATA"]))


# ============================================================================ diagnostic

FANUC = [("SV0401", "V READY OFF", "伺服准备信号断开", "V レディ オフ", "servo chưa sẵn sàng"),
         ("OT0500", "+ OVERTRAVEL ( SOFT 1 ) X", "X轴正向软限位超程", "+オーバトラベル(ソフト1) X",
          "vượt hành trình mềm trục X"),
         ("SP9012", "SPINDLE SPEED DEVIATION", "主轴速度偏差过大", "主軸速度偏差異常",
          "sai lệch tốc độ trục chính"),
         ("PS0010", "IMPROPER G-CODE", "非法G代码", "不正なGコード", "mã G không hợp lệ"),
         ("SV0436", "SOFT THERMAL (OVC) Z", "Z轴软件过热(OVC)", "ソフトサーマル(OVC) Z",
          "quá nhiệt phần mềm (OVC) trục Z"),
         ("SR1966", "FILE NOT FOUND (MEMORY CARD)", "存储卡文件未找到", "ファイルが見つかりません",
          "không tìm thấy tệp trên thẻ nhớ"),
         ("EX1012", "LUBRICANT LEVEL LOW", "润滑油液位低", "潤滑油不足", "mức dầu bôi trơn thấp")]


@tpl("diagnostic")
def fanuc_alarm(lang, v):
    code, en, zh, ja, vi = v.c(FANUC)
    return R(L(lang,
               en=v.c([f"ALARM {code} {en}", f"CNC alarm {code}: {en}", f"{code} {en} (path 1)"]),
               de=v.c([f"NC-Alarm {code} {en}", f"Alarm {code} {en} aktiv"]),
               zh=v.c([f"数控报警 {code}：{zh}", f"报警 {code} {zh}"]),
               ja=v.c([f"アラーム {code} {ja}", f"NCアラーム発生 {code} {ja}"]),
               vi=f"Báo lỗi CNC {code}: {vi}"), {"diagnostic"},
             level=v.c(["error", "error", "warning", "critical"]))


SINUMERIK = [("25201", "Achse X1 Antriebsstörung", "axis X1 drive fault"),
             ("21612", "Kanal 1 Achse Z Reglerfreigabe während der Bewegung zurückgesetzt",
              "channel 1 axis Z controller enable reset during motion"),
             ("25000", "Achse SP1 Hardwarefehler aktiver Geber", "axis SP1 hardware fault of active encoder"),
             ("700012", "Schutztür offen", "safety door open"),
             ("10720", "Kanal 1 Satz N120 Software-Endschalter + Achse Y",
              "channel 1 block N120 software limit switch + axis Y"),
             ("22062", "Achse SP1 Referenzpunktfahrt abgebrochen: Nullmarke nicht gefunden",
              "axis SP1 reference point approach aborted: zero mark not found")]


@tpl("diagnostic", "de en")
def sinumerik_alarm(lang, v):
    code, de, en = v.c(SINUMERIK)
    return R(L(lang, de=v.c([f"Alarm {code} {de}", f"Störung {code}: {de}"]),
               en=v.c([f"alarm {code} {en}", f"SINUMERIK {code} {en}"])), {"diagnostic"},
             level=v.c(["error", "warning", "critical"]))


@tpl("diagnostic", "de en")
def heidenhain_error(lang, v):
    code = v.c(["8B40", "8080", "A120", "FE 207", "8000"])
    return R(L(lang, de=v.c([f"Fehler {code} Positionierfehler Achse {v.c('XYZ')}",
                             f"Fehlermeldung {code}: Schleppabstand zu groß {v.c('XYZ')}"]),
               en=f"TNC error {code}: following error too large axis {v.c('XYZ')}"),
             {"diagnostic"}, level="error")


@tpl("diagnostic")
def plc_stop(lang, v):
    ev = v.c(["16#3501", "16#4562", "16#2521"])
    return R(L(lang,
               en=f"S7 CPU STOP: cycle time exceeded (OB80), event {ev}",
               de=v.c([f"CPU in STOP: Zykluszeitüberschreitung, Ereignis {ev}",
                       f"Diagnosepuffer: Zykluszeit überschritten (OB80) {ev}"]),
               zh=f"PLC 停机：扫描周期超时，事件号 {ev}",
               ja=f"PLC停止: サイクルタイム超過 イベント{ev}",
               vi=f"PLC dừng: vượt thời gian chu kỳ, sự kiện {ev}"), {"diagnostic"},
             level="critical")


@tpl("diagnostic")
def drive_fault(lang, v):
    return R(L(lang,
               en=v.c(["SINAMICS F07900 motor blocked", "drive fault F30001 power unit overcurrent",
                       "VFD trip OC1 overcurrent during acceleration"]),
               de=v.c(["Antriebsstörung F30001 Leistungsteil: Überstrom",
                       "Umrichter Fehler F07900 Motor blockiert"]),
               zh=v.c(["变频器故障 F0001 过流", "伺服驱动器报警 AL.16 编码器异常"]),
               ja=v.c(["インバータ異常 OC1 加速中過電流", "サーボアンプ アラーム AL.16 エンコーダ異常"]),
               vi=v.c(["biến tần báo lỗi OC1 (quá dòng khi tăng tốc)",
                       "lỗi driver servo AL.16 encoder"])), {"diagnostic"},
             level=v.c(["error", "critical"]))


@tpl("diagnostic")
def vehicle_dtc(lang, v):
    code, en, zh, de, ja, vi = v.c([
        ("P0301", "cylinder 1 misfire detected", "一缸失火", "Zylinder 1 Verbrennungsaussetzer",
         "1番シリンダ失火検出", "bỏ máy xi-lanh 1"),
        ("U0100", "lost communication with ECM/PCM A", "与发动机控制模块通讯丢失",
         "Kommunikation mit Motorsteuergerät verloren", "ECMとの通信途絶", "mất liên lạc với ECM"),
        ("P0420", "catalyst efficiency below threshold", "催化器效率低于阈值",
         "Katalysatorwirkungsgrad unter Schwellwert", "触媒効率低下", "hiệu suất bộ xúc tác thấp"),
        ("C0035", "left front wheel speed sensor circuit", "左前轮速传感器电路故障",
         "Raddrehzahlsensor vorne links Stromkreis", "左前輪速センサ回路異常",
         "mạch cảm biến tốc độ bánh trước trái"),
        ("P0A80", "replace hybrid battery pack", "需更换混合动力电池组",
         "Hybridbatterie austauschen", "ハイブリッドバッテリ交換要", "cần thay pin hybrid")])
    return R(L(lang,
               en=v.c([f"DTC {code} {en}", f"trouble code {code} ({en}) stored, MIL on"]),
               zh=v.c([f"故障码 {code} {zh}", f"DTC {code}：{zh}，故障灯亮"]),
               de=f"Fehlercode {code} {de}",
               ja=f"故障コード {code} {ja}",
               vi=f"mã lỗi {code}: {vi}"), {"diagnostic"},
             level=v.c(["warning", "error"]), kind=v.c(["dtc", "obd", "diag", "tcu.dtc"]))


def _java_trace(v: V) -> str:
    exc = v.c(["java.lang.NullPointerException: Cannot invoke \"String.length()\" because "
               "\"tag\" is null",
               "java.net.SocketTimeoutException: Read timed out",
               "org.eclipse.milo.opcua.stack.core.UaException: status=Bad_Timeout",
               "java.lang.IllegalStateException: recipe not loaded"])
    frames = v.c([["com.plant.mes.OrderService.release(OrderService.java:214)",
                   "com.plant.mes.api.OrderController.post(OrderController.java:88)"],
                  ["de.kraus.edge.collector.PollLoop.run(PollLoop.java:57)",
                   "java.base/java.lang.Thread.run(Thread.java:833)"]])
    sep = v.c(["\n\tat ", " at ", " | at "])
    return exc + sep + sep.join(frames)


def _py_trace(v: V) -> str:
    err = v.c(["KeyError: 'spindle_load'", "ZeroDivisionError: division by zero",
               "ConnectionRefusedError: [Errno 111] Connection refused",
               "ValueError: could not convert string to float: 'NaN '"])
    sep = v.c(["\n", " | ", " \\n "])
    return sep.join(["Traceback (most recent call last):",
                     '  File "/opt/edge/collector/main.py", line 142, in poll',
                     "    value = frame[key]" if "Key" in err else "    rate = a / b", err])


def _dotnet_trace(v: V) -> str:
    return v.c([
        "System.InvalidOperationException: The connection was not closed. The connection's "
        "current state is open. at System.Data.ProviderBase.DbConnectionInternal.TryOpen"
        "Connection() at Plant.Mes.Repo.Open() in C:\\src\\Mes\\Repo.cs:line 33",
        "System.IO.IOException: The process cannot access the file 'C:\\Vision\\result.csv' "
        "because it is being used by another process.\r\n   at System.IO.FileStream.ValidateFile"
        "Handle()\r\n   at Vision.Export.Write() in D:\\build\\Export.cs:line 118"])


def _go_trace(v: V) -> str:
    return v.c([
        "panic: runtime error: index out of range [5] with length 3\n\ngoroutine 1 [running]:"
        "\nmain.parseFrame(...)\n\t/app/internal/modbus/frame.go:48 +0x1d",
        "panic: assignment to entry in nil map goroutine 17 [running]: github.com/acme/edge/"
        "mqtt.(*Client).onMessage(0xc0001a2000) /src/mqtt/client.go:211 +0x2b4"])


def _cpp_trace(v: V) -> str:
    return v.c([
        "terminate called after throwing an instance of 'std::runtime_error' what():  camera "
        "grab timeout; Aborted (core dumped)",
        "Segmentation fault (core dumped) #0 0x00007f3a1c2b4e10 in cv::Mat::release() #1 "
        "0x000055d1e7a0c3f1 in VisionPipeline::process(Frame const&) at pipeline.cpp:212"])


@tpl("diagnostic", "en de zh ja vi", w=2.0)
def stack_trace(lang, v):
    kind = v.r.randrange(5)
    tr = [_java_trace, _py_trace, _dotnet_trace, _go_trace, _cpp_trace][kind](v)
    prefix = L(lang, en=v.c(["Unhandled exception: ", "error in worker: ", ""]),
               de=v.c(["Unbehandelte Ausnahme: ", "Fehler im Worker: "]),
               zh=v.c(["未处理的异常：", "采集线程异常："]),
               ja=v.c(["未処理の例外: ", "例外が発生しました: "]),
               vi=v.c(["ngoại lệ chưa xử lý: ", "lỗi tiến trình: "]))
    return R(prefix + tr, {"diagnostic"}, level=v.c(["error", "critical", "error"]),
             kind=v.c(["exc", "error", "app.err", "crash"]))


@tpl("diagnostic")
def firmware_diag(lang, v):
    cause = v.c(["0x04", "0x08", "0x02"])
    addr = "0x0800" + v.hx(4)
    return R(L(lang,
               en=v.c([f"fw diag: watchdog reset (WDT) at {addr}, reset cause={cause}",
                       f"HardFault PC={addr} LR=0x0800{v.hx(4)} CFSR=0x00000400",
                       f"assert failed: queue.c:{v.i(100, 900)} (xQueueGenericSend)",
                       f"flash ECC error bank {v.i(1, 2)} page {v.i(1, 255)}"]),
               de=f"Firmware-Diagnose: Watchdog-Reset bei {addr}, Ursache {cause}",
               zh=v.c([f"固件诊断：看门狗复位 地址 {addr}，原因码 {cause}", "固件异常：Flash ECC 校验错误"]),
               ja=f"ファームウェア診断: ウォッチドッグリセット 要因{cause}",
               vi=f"chẩn đoán firmware: reset watchdog, mã nguyên nhân {cause}"), {"diagnostic"},
             level=v.c(["error", "warning"]), kind=v.c(["fw.diag", "fw", "diag", "mcu"]))


@tpl("diagnostic")
def maintenance_due(lang, v):
    h = v.i(2, 48)
    return R(L(lang,
               en=v.c([f"maintenance due: spindle lubrication in {h} h (interval 500 h)",
                       "preventive maintenance overdue: replace hydraulic filter HF-2",
                       f"PM task due: grease robot J2 gearbox ({h} h left)"]),
               de=v.c([f"Wartung fällig: Filterwechsel Hydraulik in {h} h",
                       "Wartungsintervall überschritten: Kettenschmierung Förderband 3"]),
               zh=v.c([f"保养提醒：主轴润滑油需更换，剩余 {h} 小时", "设备点检到期：3号输送线链条润滑"]),
               ja=v.c([f"メンテナンス時期: 集塵フィルタ交換 残り{h}時間", "定期点検期限超過: 油圧フィルタ"]),
               vi=v.c([f"đến hạn bảo trì: thay lọc dầu thủy lực sau {h} giờ",
                       "quá hạn bảo dưỡng định kỳ băng tải 3"])), {"diagnostic"},
             level=v.c(["warning", "notice", "info"]), kind=v.c(["maint", "pm", "CMMS"]))


@tpl("diagnostic")
def maintenance_done(lang, v):
    return R(L(lang,
               en=v.c(["maintenance completed: bearing replaced on conveyor C3",
                       "repair closed: encoder cable X-axis replaced, machine back in service"]),
               de=v.c(["Instandsetzung abgeschlossen: Lager Förderband C3 getauscht",
                       "Reparatur beendet: Geberkabel X-Achse ersetzt"]),
               zh="维修完成：C3输送线轴承已更换",
               ja="保全作業完了: コンベアC3 ベアリング交換",
               vi="hoàn tất sửa chữa: đã thay vòng bi băng tải C3"), {"diagnostic"},
             level="info", kind=v.c(["maint", "cmms.wo", "repair"]))


@tpl("diagnostic")
def comm_error(lang, v):
    s = v.i(1, 32)
    return R(L(lang,
               en=v.c([f"Modbus timeout slave {s} fc=03 after 3 retries",
                       f"PROFINET device et200sp-{s} lost (AR aborted)",
                       "EtherCAT slave 4 state change OP -> SAFEOP, AL status 0x001B"]),
               de=v.c([f"Profinet-Verbindungsabbruch zu Teilnehmer et200sp-{s}",
                       f"Kommunikationsstörung Slave {s}: keine Antwort"]),
               zh=f"通讯故障：从站{s} Modbus超时",
               ja=f"通信異常: スレーブ{s} 応答なし",
               vi=f"lỗi truyền thông: trạm {s} không phản hồi"), {"diagnostic"},
             level=v.c(["warning", "error"]))


@tpl("diagnostic")
def estop(lang, v):
    st = v.i(1, 12)
    return R(L(lang,
               en=v.c([f"E-STOP pressed at station {st}", f"safety: light curtain LC{st} interrupted, robot stopped"]),
               de=v.c([f"NOT-HALT betätigt Station {st}", f"Lichtgitter {st} unterbrochen, Roboter gestoppt"]),
               zh=f"急停按下 工位{st}",
               ja=f"非常停止 ステーション{st}",
               vi=f"dừng khẩn cấp tại trạm {st}"), {"diagnostic"}, level="critical")


@tpl("diagnostic", "en de")
def windows_service_fail(lang, v):
    svc = v.c(["OPC UA Server", "Vision Runtime", "MES Connector", "Historian Collector"])
    return R(L(lang,
               en=v.c([f"The {svc} service terminated unexpectedly. It has done this 3 time(s).",
                       f"Faulting application name: VisionApp.exe, version: 4.2.1.0, exception "
                       f"code: 0xc0000005, fault offset: 0x{v.hx(8)}"]),
               de=f"Der Dienst \"{svc}\" wurde unerwartet beendet. Dies ist bereits 2 Mal passiert."),
             {"diagnostic"}, level="error", kind=v.c(["EventLog", "svc.event", "7034"]))


@tpl("diagnostic", "en")
def linux_service_fail(lang, v):
    return R(v.c(["mes-agent.service: Main process exited, code=exited, status=1/FAILURE",
                  f"Out of memory: Killed process {v.i(800, 9000)} (python3) total-vm:"
                  f"{v.i(1000000, 4000000)}kB",
                  "EXT4-fs error (device mmcblk0p2): ext4_find_entry:1455: inode #2: comm "
                  "collector: reading directory lblock 0",
                  "write failed: No space left on device (/var/lib/edge/buffer)"]),
             {"diagnostic"}, level=v.c(["error", "critical"]))


@tpl("diagnostic")
def overtemp_alarm(lang, v):
    t, lim = v.f(86, 99), 85
    return R(L(lang,
               en=v.c([f"spindle temperature high {t} °C (limit {lim} °C)",
                       f"ALM motor winding overtemp {t}C > {lim}C"]),
               de=f"Übertemperatur Spindel {t} °C (Grenzwert {lim} °C)",
               zh=f"主轴温度过高报警 {t}℃（上限{lim}℃）",
               ja=f"主軸温度異常 {t}℃ (上限{lim}℃)",
               vi=f"cảnh báo nhiệt độ trục chính cao {t} °C (giới hạn {lim} °C)"),
             {"diagnostic", "sensor"}, level="warning")


@tpl("diagnostic")
def vibration_alarm(lang, v):
    r = v.f(7.2, 14, 1)
    return R(L(lang,
               en=f"vibration alarm fan F2: {r} mm/s > 7.1 mm/s (ISO 10816 zone C)",
               de=f"Schwingungsalarm Lüfter F2: {r} mm/s > 7,1 mm/s",
               zh=f"风机F2振动报警：{r} mm/s 超过 7.1 mm/s",
               ja=f"ファンF2 振動異常 {r} mm/s (閾値7.1)",
               vi=f"báo động rung quạt F2: {r} mm/s vượt 7.1 mm/s"), {"diagnostic", "sensor"},
             level="warning")


# ============================================================================ calibration


@tpl("calibration", w=1.6)
def cam_intrinsics(lang, v):
    cid = f"CAL-{v.i(1, 999):04d}"
    fx, fy = v.f(900, 2400, 3), v.f(900, 2400, 3)
    cx, cy = v.f(600, 1000, 1), v.f(340, 560, 1)
    k1, k2 = v.f(-0.4, -0.05, 3), v.f(-0.05, 0.2, 3)
    p1, p2 = v.f(-0.002, 0.002, 5), v.f(-0.002, 0.002, 5)
    rms = v.f(0.12, 0.6, 3)
    vals = f"fx={fx} fy={fy} cx={cx} cy={cy} k1={k1} k2={k2} p1={p1} p2={p2}"
    return R(L(lang,
               en=v.c([f"calibration {cid} {vals} rms={rms}px",
                       f"camera intrinsics updated: {vals}, reprojection error {rms} px"]),
               de=f"Kalibrierung {cid}: {vals} RMS-Fehler {rms} px",
               zh=v.c([f"相机标定 {cid} 完成 {vals} 重投影误差 {rms}px",
                       f"内参标定结果 {vals}"]),
               ja=f"カメラキャリブレーション {cid} 完了 {vals} 再投影誤差 {rms}px",
               vi=f"hiệu chuẩn camera {cid}: {vals}, sai số {rms} px"), {"calibration"})


@tpl("calibration", "en zh de")
def cam_intrinsics_json(lang, v):
    K = [[float(v.f(1000, 2000, 2)), 0.0, float(v.f(600, 980, 2))],
         [0.0, float(v.f(1000, 2000, 2)), float(v.f(340, 560, 2))], [0.0, 0.0, 1.0]]
    dist = [float(v.f(-0.4, 0.1, 5)) for _ in range(5)]
    kv = [("camera_matrix", K), ("dist_coeffs", dist),
          ("image_size", [v.c([1280, 1920, 2448]), v.c([720, 1080, 2048])]),
          ("rms", float(v.f(0.1, 0.5, 4)))]
    return R(L(lang, en="", zh="", de=""), {"calibration"}, kv,
             kind=v.c(["cam.intr", "calib", "opencv.calibrateCamera"]))


@tpl("calibration", "en de zh ja")
def stereo_extrinsics(lang, v):
    t = [v.f(-0.13, -0.11, 5), v.f(-0.002, 0.002, 5), v.f(-0.002, 0.002, 5)]
    r = [v.f(-0.01, 0.01, 5) for _ in range(3)]
    b = v.f(110, 130, 2)
    return R(L(lang,
               en=f"stereo extrinsics rvec=[{r[0]}, {r[1]}, {r[2]}] T=[{t[0]}, {t[1]}, {t[2]}] baseline={b}mm",
               de=f"Stereo-Kalibrierung: R=[{r[0]}, {r[1]}, {r[2]}], T=[{t[0]}, {t[1]}, {t[2]}], Basis {b} mm",
               zh=f"双目外参标定 旋转向量[{r[0]},{r[1]},{r[2]}] 平移[{t[0]},{t[1]},{t[2]}] 基线{b}mm",
               ja=f"ステレオ外部パラメータ R=[{r[0]},{r[1]},{r[2]}] T=[{t[0]},{t[1]},{t[2]}] 基線長{b}mm"),
             {"calibration"})


@tpl("calibration")
def hand_eye(lang, v):
    t = [v.f(-200, 200, 3) for _ in range(3)]
    a = [v.f(-180, 180, 3) for _ in range(3)]
    res = v.f(0.1, 0.9, 2)
    vals = f"tx={t[0]} ty={t[1]} tz={t[2]} rx={a[0]} ry={a[1]} rz={a[2]}"
    return R(L(lang,
               en=f"hand-eye calibration (Tsai-Lenz) {vals} residual {res} mm",
               de=f"Hand-Auge-Kalibrierung abgeschlossen: {vals}, Restfehler {res} mm",
               zh=f"手眼标定结果 {vals} 残差 {res} mm",
               ja=f"ハンドアイキャリブレーション結果 {vals} 残差{res}mm",
               vi=f"hiệu chuẩn tay-mắt: {vals}, sai số {res} mm"), {"calibration"})


@tpl("calibration", "en zh")
def lidar_cam(lang, v):
    m = [v.f(-1, 1, 4) for _ in range(6)]
    return R(L(lang,
               en=f"lidar->camera extrinsic x={m[0]} y={m[1]} z={m[2]} roll={m[3]} pitch={m[4]} yaw={m[5]}",
               zh=f"激光雷达-相机联合标定 外参 x={m[0]} y={m[1]} z={m[2]} roll={m[3]} pitch={m[4]} yaw={m[5]}"),
             {"calibration"})


@tpl("calibration")
def imu_bias(lang, v):
    a = [v.f(-0.05, 0.05, 4) for _ in range(3)]
    g = [v.f(-0.003, 0.003, 5) for _ in range(3)]
    return R(L(lang,
               en=f"IMU calibration: accel bias [{a[0]}, {a[1]}, {a[2]}] m/s², gyro bias [{g[0]}, {g[1]}, {g[2]}] rad/s",
               de=f"IMU-Kalibrierung: Beschleunigungs-Bias [{a[0]}, {a[1]}, {a[2]}], Gyro-Bias [{g[0]}, {g[1]}, {g[2]}]",
               zh=f"IMU标定：加速度计零偏 [{a[0]}, {a[1]}, {a[2]}]，陀螺零偏 [{g[0]}, {g[1]}, {g[2]}]",
               ja=f"IMU校正: 加速度バイアス[{a[0]}, {a[1]}, {a[2]}] ジャイロバイアス[{g[0]}, {g[1]}, {g[2]}]",
               vi=f"hiệu chuẩn IMU: độ lệch gia tốc [{a[0]}, {a[1]}, {a[2]}], độ lệch con quay [{g[0]}, {g[1]}, {g[2]}]"),
             {"calibration"})


@tpl("calibration")
def load_cell(lang, v):
    z, s, g = v.f(-0.02, 0.02, 4), v.f(1.99, 2.01, 4), v.f(0.998, 1.002, 5)
    n = v.i(1, 8)
    return R(L(lang,
               en=f"load cell LC{n} zero={z} mV/V span={s} mV/V gain={g}",
               de=f"Wägezelle WZ{n} justiert: Nullpunkt {z} mV/V, Kennwert {s} mV/V, Verstärkung {g}",
               zh=f"称重传感器{n}号标定 零点{z} mV/V 量程{s} mV/V 增益{g}",
               ja=f"ロードセル{n} 校正 ゼロ{z}mV/V スパン{s}mV/V ゲイン{g}",
               vi=f"hiệu chuẩn cảm biến lực {n}: điểm 0 {z} mV/V, hệ số {s} mV/V"),
             {"calibration"})


@tpl("calibration")
def transmitter_trim(lang, v):
    o = v.f(-0.05, 0.05, 3)
    tag = v.c(["PT-204", "TT-311", "FT-101", "LT-201"])
    return R(L(lang,
               en=v.c([f"{tag} zero trim applied, offset {o} bar", f"{tag} sensor trim: lower {o}, upper {v.f(9.9, 10.1, 3)}"]),
               de=f"{tag} Nullpunktabgleich durchgeführt, Offset {o} bar",
               zh=f"{tag} 零点校准完成，偏移量 {o} bar",
               ja=f"{tag} ゼロ点調整 オフセット{o}bar",
               vi=f"{tag} đã hiệu chỉnh điểm 0, độ lệch {o} bar"), {"calibration"},
             kind=v.c(["CAL", "hart", "sensor.cal"]))


@tpl("calibration", "en de ja")
def robot_tcp(lang, v):
    x, y, z = v.f(-20, 20, 3), v.f(-20, 20, 3), v.f(100, 400, 3)
    n = v.i(1, 10)
    return R(L(lang,
               en=f"UTOOL {n} taught (6-point): X={x} Y={y} Z={z} W=0.000 P=0.000 R=0.000 mm/deg",
               de=f"TCP-Vermessung Werkzeug {n}: X={x} Y={y} Z={z} mm, Abweichung {v.f(0.05, 0.6, 2)} mm",
               ja=f"TCP設定 ツール{n}: X={x} Y={y} Z={z} 誤差{v.f(0.05, 0.6, 2)}mm"),
             {"calibration"})


@tpl("calibration")
def calib_certificate(lang, v):
    g = f"G-{v.i(100, 999)}"
    cert = v.c([f"DAkkS-{v.i(2023, 2024)}-{v.i(1000, 9999)}", f"CNAS-L{v.i(1000, 9999)}-{v.i(100, 999)}",
                f"JCSS-{v.i(100, 999)}-{v.i(10000, 99999)}"])
    d = v.later_date()
    return R(L(lang,
               en=f"gauge {g} calibration certificate {cert} valid until {d}",
               de=f"Prüfmittel {g}: Kalibrierschein {cert}, gültig bis {d}",
               zh=f"量具 {g} 校准证书编号 {cert}，有效期至 {d}",
               ja=f"測定器 {g} 校正証明書 {cert} 有効期限 {d}",
               vi=f"dụng cụ đo {g}: chứng nhận hiệu chuẩn {cert}, hiệu lực đến {d}"),
             {"calibration"})


@tpl("calibration")
def calib_expired(lang, v):
    g = f"G-{v.i(100, 999)}"
    return R(L(lang,
               en=f"calibration of torque wrench {g} expired on {v.date()}, tool locked",
               de=f"Kalibrierung Drehmomentschlüssel {g} abgelaufen ({v.date()}), gesperrt",
               zh=f"扭力扳手 {g} 校准已过期（{v.date()}），已锁定",
               ja=f"トルクレンチ {g} の校正期限切れ ({v.date()})、使用禁止",
               vi=f"cờ lê lực {g} hết hạn hiệu chuẩn ({v.date()}), đã khóa"),
             {"calibration", "diagnostic"}, level="warning")


@tpl("calibration", "en de zh")
def tool_setter(lang, v):
    t = v.i(1, 40)
    h, d = v.f(80, 220, 3), v.f(2, 12, 3)
    return R(L(lang,
               en=f"laser tool setter: T{t} length offset H{t}={h} mm, radius D{t}={d} mm",
               de=f"Werkzeugvermessung T{t}: Länge L={h} mm, Radius R={d} mm (Laser)",
               zh=f"对刀仪测量 T{t} 长度补偿 H{t}={h} mm 半径 D{t}={d} mm"), {"calibration"})


@tpl("calibration", "en de zh")
def volumetric_comp(lang, v):
    n = v.c([21, 41, 81])
    e = v.f(1.2, 9.5, 1)
    return R(L(lang,
               en=f"axis X pitch error compensation table loaded: {n} points, max error {e} µm",
               de=f"Spindelsteigungsfehlerkompensation X geladen: {n} Stützpunkte, max. Fehler {e} µm",
               zh=f"X轴螺距误差补偿表已加载：{n}点，最大误差{e} µm"), {"calibration"})


@tpl("calibration", "en zh ja", w=0.6)
def calib_run_status(lang, v):
    return R(L(lang,
               en=v.c(["calibration run finished: 24/24 poses accepted",
                       "checkerboard 9x6 detected in 31 of 32 images, solving intrinsics"]),
               zh=v.c(["标定流程完成：24/24 个位姿有效", "棋盘格 9x6 在 31/32 张图像中检出，开始求解内参"]),
               ja="キャリブレーション完了: 24/24 姿勢採用"), {"calibration"},
             kind=v.c(["CAL", "calib", "ar.calibration"]))


# ============================================================================ operational


@tpl("operational", w=1.6)
def cnc_recipe(lang, v):
    rid = f"RCP-{v.i(1, 99)}"
    f, s, ap, cp = v.f(800, 9000, 1), v.i(2000, 24000), v.f(0.2, 4, 1), v.f(10, 80, 1)
    vals = f"F={f}mm/min S={s} ap={ap}mm coolant={cp}bar"
    return R(L(lang,
               en=v.c([f"recipe {rid} {vals}", f"loaded cutting parameters {rid}: feed {f} mm/min, "
                                               f"speed {s} rpm, depth {ap} mm"]),
               de=v.c([f"Rezept {rid} geladen: Vorschub {f} mm/min, Drehzahl {s} 1/min, Zustellung {ap} mm",
                       f"Schnittdaten {rid}: {vals}"]),
               zh=v.c([f"配方 {rid} 下发：进给 {f} mm/min，转速 {s} rpm，切深 {ap} mm",
                       f"工艺参数 {rid} {vals}"]),
               ja=f"レシピ {rid} 送り{f}mm/min 回転数{s}min-1 切込み{ap}mm",
               vi=f"công thức {rid}: tốc độ tiến {f} mm/phút, tốc độ trục {s} v/ph, chiều sâu cắt {ap} mm"),
             {"operational"})


@tpl("operational")
def setpoint_change(lang, v):
    z, a = v.i(1, 8), v.i(150, 240)
    b = a + v.c([-10, -5, 5, 10])
    return R(L(lang,
               en=v.c([f"oven zone {z} setpoint changed {a} -> {b} °C",
                       f"SP change TIC-30{z}: {a} → {b} degC"]),
               de=f"Sollwert Zone {z} geändert: {a} → {b} °C",
               zh=f"{z}区温度设定值由{a}改为{b}℃",
               ja=f"ゾーン{z} 設定温度 {a}→{b}℃ に変更",
               vi=f"thay đổi điểm đặt vùng {z}: {a} → {b} °C"), {"operational"})


@tpl("operational")
def production_order(lang, v):
    o, p, q = v.order(), v.part(), v.c([50, 120, 200, 500, 1000, 2400])
    ln = v.i(1, 9)
    return R(L(lang,
               en=v.c([f"order {o} started: part {p}, qty {q}, line L{ln}",
                       f"job {o} released to line {ln}, {q} pcs due {v.later_date()}"]),
               de=f"Fertigungsauftrag {o} gestartet: Material {p}, Menge {q}, Linie {ln}",
               zh=f"工单 {o} 开工 物料 {p} 计划数量 {q} 产线 L{ln}",
               ja=f"製造指図 {o} 開始 品番 {p} 数量{q} ライン{ln}",
               vi=f"lệnh sản xuất {o} bắt đầu: mã hàng {p}, số lượng {q}, chuyền {ln}"),
             {"operational"})


@tpl("operational", "en de zh ja vi")
def injection_params(lang, v):
    sp, hp, ht, mt = v.i(40, 120), v.i(400, 900), v.f(2, 8, 1), v.i(200, 290)
    return R(L(lang,
               en=f"injection: speed {sp} mm/s, hold pressure {hp} bar, hold time {ht} s, melt temp set {mt} °C",
               de=f"Spritzparameter: Einspritzgeschw. {sp} mm/s, Nachdruck {hp} bar, Nachdruckzeit {ht} s, Massetemperatur {mt} °C",
               zh=f"注塑参数：注射速度{sp}mm/s 保压{hp}bar 保压时间{ht}s 料温设定{mt}℃",
               ja=f"成形条件 射出速度{sp}mm/s 保圧{hp}bar 保圧時間{ht}s 樹脂温度{mt}℃",
               vi=f"thông số ép: tốc độ phun {sp} mm/s, áp giữ {hp} bar, thời gian giữ {ht} s, nhiệt độ nhựa {mt} °C"),
             {"operational"}, kind=v.c(["process.opt", "imm.param", "PARAM"]))


@tpl("operational", "en de zh ja")
def weld_schedule(lang, v):
    n, i, t, f = v.i(1, 64), v.f(6, 14, 1), v.i(80, 400), v.f(1.5, 5, 1)
    return R(L(lang,
               en=f"weld schedule {n}: I={i} kA, t={t} ms, F={f} kN",
               de=f"Schweißprogramm {n}: Strom {i} kA, Zeit {t} ms, Elektrodenkraft {f} kN",
               zh=f"焊接规范 {n}：电流{i}kA 时间{t}ms 电极压力{f}kN",
               ja=f"溶接条件 {n}: 電流{i}kA 通電時間{t}ms 加圧力{f}kN"), {"operational"})


@tpl("operational")
def batch_mix(lang, v):
    b = f"B-24-{v.i(100, 999):04d}"
    return R(L(lang,
               en=f"batch {b} recipe EPX-2K mix ratio 100:{v.i(30, 60)} pot life {v.i(20, 90)} min",
               de=f"Charge {b} Rezeptur Kleber-2K Mischverhältnis 100:{v.i(30, 60)}, Topfzeit {v.i(20, 90)} min",
               zh=f"批次 {b} 配方 EPX-2K 配比 100:{v.i(30, 60)} 适用期 {v.i(20, 90)} 分钟",
               ja=f"バッチ {b} 配合 100:{v.i(30, 60)} ポットライフ {v.i(20, 90)}分",
               vi=f"mẻ {b}: tỷ lệ trộn 100:{v.i(30, 60)}, thời gian sống {v.i(20, 90)} phút"),
             {"operational"}, kind=v.c(["batch", "recipe", "mes.batch"]))


@tpl("operational")
def production_counts(lang, v):
    g, s, ct, oee = v.i(200, 2000), v.i(0, 30), v.f(20, 90), v.f(55, 92)
    return R(L(lang,
               en=v.c([f"shift summary: good={g} scrap={s} cycle time {ct} s OEE {oee}%",
                       f"count good {g} / scrap {s}, avg cycle {ct}s"]),
               de=f"Schichtbilanz: Gutteile {g}, Ausschuss {s}, Taktzeit {ct} s, OEE {oee} %",
               zh=f"班次产量：良品{g} 报废{s} 节拍{ct}s OEE {oee}%",
               ja=f"直別実績 良品{g} 不良{s} サイクルタイム{ct}秒 稼働率{oee}%",
               vi=f"tổng kết ca: đạt {g}, phế phẩm {s}, thời gian chu kỳ {ct} s, OEE {oee}%"),
             {"operational"}, kind=v.c(["prod", "oee", "shift.report"]))


@tpl("operational", "en de zh ja")
def nc_program(lang, v):
    o = f"O{v.i(1000, 9999)}"
    fo, so = v.c([80, 90, 100, 110, 120]), v.c([80, 90, 100])
    return R(L(lang,
               en=f"program {o} (FLANGE-OP20) started, feed override {fo}%, spindle override {so}%",
               de=f"Programm {o} gestartet, Vorschub-Override {fo} %, Spindel-Override {so} %",
               zh=f"程序 {o} 启动 进给倍率{fo}% 主轴倍率{so}%",
               ja=f"プログラム {o} 起動 送りオーバライド{fo}% 主軸オーバライド{so}%"),
             {"operational"}, kind=v.c(["nc.prog", "prog", "cnc"]))


@tpl("operational", "en de")
def pid_tuning(lang, v):
    return R(L(lang,
               en=f"loop TIC-30{v.i(1, 9)} tuning Kp={v.f(0.5, 5, 2)} Ti={v.i(5, 120)} s Td={v.f(0, 4, 1)} s",
               de=f"Regler TIC-30{v.i(1, 9)} Parameter: Kp={v.f(0.5, 5, 2)}, Tn={v.i(5, 120)} s, Tv={v.f(0, 4, 1)} s"),
             {"operational"})


@tpl("operational", "en de zh ja vi")
def paint_brush(lang, v):
    n = v.i(1, 30)
    fl, air, hv = v.i(150, 450), v.i(150, 400), v.i(40, 80)
    return R(L(lang,
               en=f"paint robot brush table {n}: flow {fl} cc/min, shaping air {air} Nl/min, HV {hv} kV",
               de=f"Lackierroboter Pinseltabelle {n}: Menge {fl} ml/min, Lenkluft {air} Nl/min, HS {hv} kV",
               zh=f"喷涂机器人 刷表{n}：流量{fl}cc/min 成型空气{air}Nl/min 高压{hv}kV",
               ja=f"塗装ロボット ブラシ{n}: 吐出量{fl}cc/min シェーピングエア{air}Nl/min 静電{hv}kV",
               vi=f"robot sơn bảng {n}: lưu lượng {fl} cc/phút, khí định hình {air} Nl/phút, cao áp {hv} kV"),
             {"operational"})


@tpl("operational", "en de zh ja vi")
def recipe_json(lang, v):
    params = {"feed_mm_min": float(v.f(500, 6000, 1)), "spindle_rpm": v.i(1500, 20000),
              "doc_mm": float(v.f(0.2, 3, 2)), "tool": f"T{v.i(1, 40)}"}
    if lang == "de":
        params = {"Vorschub": params["feed_mm_min"], "Drehzahl": params["spindle_rpm"],
                  "Zustellung": params["doc_mm"], "Werkzeug": params["tool"]}
    return R(L(lang, en="recipe download", de="Rezeptdownload", zh="配方下发", ja="レシピ転送",
               vi="tải công thức"), {"operational"},
             [("recipe", f"RCP-{v.i(1, 99)}"), ("params", params)])


@tpl("operational", "en de zh ja vi")
def schedule(lang, v):
    w = v.i(1, 52)
    return R(L(lang,
               en=f"production plan week {w}: line 2 three shifts, planned output {v.i(4000, 20000)} pcs",
               de=f"Produktionsplan KW {w}: Linie 2 dreischichtig, Planmenge {v.i(4000, 20000)} Stk.",
               zh=f"第{w}周生产计划：2号线三班，计划产量{v.i(4000, 20000)}件",
               ja=f"第{w}週 生産計画 ライン2 3直 計画数{v.i(4000, 20000)}個",
               vi=f"kế hoạch sản xuất tuần {w}: chuyền 2 chạy 3 ca, sản lượng {v.i(4000, 20000)} sp"),
             {"operational"}, kind=v.c(["sched", "plan", "aps"]))


@tpl("operational", "en zh ja")
def feeds_speeds_kv(lang, v):
    kv = [("vc_m_min", v.i(80, 400)), ("fz_mm", float(v.f(0.03, 0.3, 3))),
          ("n_rpm", v.i(1000, 18000)), ("ae_mm", float(v.f(0.5, 12, 1)))]
    return R(L(lang, en="cutting data", zh="切削参数", ja="切削条件"), {"operational"}, kv,
             kind=v.c(["process.opt", "cam.param"]))


# ============================================================================ quality


@tpl("quality", w=1.4)
def bore_dimension(lang, v):
    nom = v.c([8.0, 10.0, 12.0, 20.0, 25.0])
    val = nom + v.r.uniform(-0.004, 0.014)
    ok = val <= nom + 0.010 and val >= nom
    return R(L(lang,
               en=f"bore Ø {val:.3f} mm (nominal {nom:.3f} +0.010/-0.000) {'OK' if ok else 'NOK'}",
               de=f"Bohrung Ø {val:.3f} mm, Toleranz {nom:.3f} +0,010/-0,000: {'i.O.' if ok else 'n.i.O.'}",
               zh=f"孔径 {val:.3f} mm 公差 {nom:.3f} +0.010/0 {'合格' if ok else '不合格'}",
               ja=f"穴径 {val:.3f} mm 公差 {nom:.3f} +0.010/0 {'OK' if ok else 'NG'}",
               vi=f"đường kính lỗ {val:.3f} mm, dung sai {nom:.3f} +0.010/0: {'đạt' if ok else 'không đạt'}"),
             {"quality"}, level="info" if ok or v.p(0.5) else "warning")


@tpl("quality")
def aoi_result(lang, v):
    b = v.i(1, 9999)
    ref = v.c(["U12", "C31", "R7", "Q4", "J2"])
    return R(L(lang,
               en=v.c([f"AOI board {b:04d}: 2 defects (solder bridge {ref}, missing C31) -> NG",
                       f"AOI result PASS board {b:04d}, 412 components checked"]),
               de=f"Sichtprüfung Platine {b:04d} n.i.O.: Lötbrücke {ref}",
               zh=f"AOI检测 板号{b:04d} NG 桥连 {ref}",
               ja=f"外観検査 基板{b:04d} NG: はんだブリッジ {ref}",
               vi=f"kiểm tra AOI bo {b:04d}: KHÔNG ĐẠT, cầu thiếc {ref}"), {"quality"},
             kind=v.c(["AOI", "insp", "QC"]))


@tpl("quality")
def spc_violation(lang, v):
    n, ucl, x, cpk = v.i(10, 50), v.f(20.008, 20.012, 3), v.f(20.013, 20.02, 3), v.f(0.6, 1.2, 2)
    return R(L(lang,
               en=f"SPC X-bar chart OD: point {n} beyond UCL (UCL={ucl}, x̄={x}), Cpk {cpk}",
               de=f"SPC-Regelkarte AD: Punkt {n} oberhalb OEG ({ucl}), Mittelwert {x}, Cpk {cpk}",
               zh=f"SPC 均值控制图：第{n}点超出上控制限 UCL={ucl} 均值={x} Cpk={cpk}",
               ja=f"SPC 管理図: 点{n}が上方管理限界外 UCL={ucl} 平均{x} Cpk={cpk}",
               vi=f"SPC: điểm {n} vượt giới hạn trên UCL={ucl}, trung bình {x}, Cpk {cpk}"),
             {"quality"}, level=v.c(["info", "warning"]), kind=v.c(["spc", "QS", "spc.rule1"]))


@tpl("quality")
def cpk_report(lang, v):
    c = v.f(1.0, 2.4, 2)
    return R(L(lang,
               en=f"capability study feature DIA-3: n=125 Cp={v.f(1.2, 2.6, 2)} Cpk={c}",
               de=f"Fähigkeitsuntersuchung Merkmal DIA-3: n=125, Cp={v.f(1.2, 2.6, 2)}, Cpk={c}",
               zh=f"过程能力分析 特性DIA-3 样本125 Cp={v.f(1.2, 2.6, 2)} Cpk={c}",
               ja=f"工程能力 特性DIA-3 n=125 Cp={v.f(1.2, 2.6, 2)} Cpk={c}",
               vi=f"năng lực quá trình đặc tính DIA-3: n=125, Cp={v.f(1.2, 2.6, 2)}, Cpk={c}"),
             {"quality"})


@tpl("quality")
def leak_test(lang, v):
    r = v.f(0.2, 3.0, 2)
    ok = float(r) < 2.0
    return R(L(lang,
               en=f"leak test station 5: {r} cc/min (limit 2.0) {'PASS' if ok else 'FAIL'}",
               de=f"Dichtheitsprüfung Station 5: {r} cm³/min (Grenze 2,0) {'i.O.' if ok else 'n.i.O.'}",
               zh=f"气密性测试 5号工位 泄漏量{r}cc/min（上限2.0）{'合格' if ok else '不合格'}",
               ja=f"リークテスト ST5 {r}cc/min (上限2.0) {'合格' if ok else '不合格'}",
               vi=f"kiểm tra rò rỉ trạm 5: {r} cc/phút (giới hạn 2.0) {'đạt' if ok else 'không đạt'}"),
             {"quality"})


@tpl("quality")
def tightening(lang, v):
    t, a = v.f(4.2, 5.4, 2), v.i(200, 420)
    return R(L(lang,
               en=f"screw 3 torque {t} Nm angle {a}° window OK",
               de=f"Schraubfall 3: {t} Nm / {a}° i.O.",
               zh=f"拧紧结果 螺栓3 扭矩{t}N·m 角度{a}° 合格",
               ja=f"締付結果 ボルト3 トルク{t}N・m 角度{a}° OK",
               vi=f"kết quả siết vít 3: mô-men {t} Nm, góc {a}°, đạt"), {"quality"},
             kind=v.c(["QC", "tightening", "test.result"]))


@tpl("quality", "en de ja")
def cmm_report(lang, v):
    f = v.f(0.005, 0.025, 3)
    ok = float(f) <= 0.02
    return R(L(lang,
               en=f"CMM report P-{v.i(1000, 9999)} feature FLT-3 flatness {f} mm tol 0.020 {'PASS' if ok else 'FAIL'}",
               de=f"Messprotokoll KMG P-{v.i(1000, 9999)}: Ebenheit FLT-3 {f} mm, Toleranz 0,020 {'i.O.' if ok else 'n.i.O.'}",
               ja=f"三次元測定 P-{v.i(1000, 9999)} 平面度 {f}mm 公差0.020 {'合格' if ok else '不合格'}"),
             {"quality"})


@tpl("quality", "en zh vi")
def incoming_inspection(lang, v):
    lot, n, rej = f"L-24-{v.i(100, 999)}", v.c([32, 50, 80, 125]), v.i(0, 4)
    return R(L(lang,
               en=f"incoming inspection lot {lot} AQL 1.0 n={n} rejects {rej} -> {'accepted' if rej < 2 else 'rejected'}",
               zh=f"来料检验 批次{lot} AQL 1.0 抽样{n} 不良{rej} {'判收' if rej < 2 else '判退'}",
               vi=f"kiểm tra đầu vào lô {lot}: AQL 1.0, mẫu {n}, lỗi {rej}, {'chấp nhận' if rej < 2 else 'loại'}"),
             {"quality"}, kind=v.c(["IQC", "QC", "insp"]))


@tpl("quality", "en de zh ja vi")
def defect_result(lang, v):
    d = v.c([("scratch", "Kratzer", "划痕", "キズ", "trầy xước"),
             ("dent", "Delle", "凹坑", "打痕", "móp"),
             ("burr", "Grat", "毛刺", "バリ", "bavia")])
    p = v.f(0.55, 0.99, 2)
    return R(L(lang,
               en=f"vision inspection: {d[0]} detected p={p} -> NG",
               de=f"Oberflächenprüfung: {d[1]} erkannt ({p}) -> n.i.O.",
               zh=f"视觉检测：检出{d[2]} 置信度{p} 判定NG",
               ja=f"画像検査: {d[3]}検出 スコア{p} → NG",
               vi=f"kiểm tra thị giác: phát hiện {d[4]} ({p}) → lỗi"), {"quality"},
             kind=v.c(["ai.vision", "insp", "QC"]))


@tpl("quality", "en de zh ja vi")
def inspection_kv(lang, v):
    res = v.c(["OK", "NG", "PASS", "FAIL", "i.O.", "n.i.O."])
    kv = [("@result", res), ("feature", v.c(["OD-1", "LEN-2", "POS-4", "Ra"])),
          ("measured", float(v.f(0.4, 50, 3))), ("usl", float(v.f(50, 60, 2))),
          ("lsl", float(v.f(0.1, 0.3, 2)))]
    return R(L(lang, en="inspection result", de="Prüfergebnis", zh="检测结果", ja="検査結果",
               vi="kết quả kiểm tra"), {"quality"}, kv)


@tpl("quality", "en de")
def roughness(lang, v):
    ra = v.f(0.2, 1.2, 2)
    ok = float(ra) <= 0.8
    return R(L(lang,
               en=f"surface roughness Ra {ra} µm (max 0.8) {'OK' if ok else 'NOK'}",
               de=f"Rauheit Ra {ra} µm (max. 0,8) {'i.O.' if ok else 'n.i.O.'}"), {"quality"})


# ============================================================================ model


@tpl("model", w=1.4)
def training_epoch(lang, v):
    e, loss, vl, m = v.i(1, 100), v.f(0.01, 0.9, 4), v.f(0.01, 0.9, 4), v.f(0.4, 0.97, 3)
    return R(L(lang,
               en=v.c([f"epoch {e}/100 loss={loss} val_loss={vl} mAP50={m} lr=3.0e-4",
                       f"Epoch {e}: train_loss {loss} - val_acc {m}"]),
               de=f"Training Epoche {e}/100: Loss {loss}, Val-Loss {vl}, mAP {m}",
               zh=f"训练 第{e}轮 损失{loss} 验证损失{vl} mAP50={m}",
               ja=f"学習 エポック{e}/100 損失{loss} 検証損失{vl} mAP50={m}",
               vi=f"huấn luyện epoch {e}/100: loss {loss}, val_loss {vl}, mAP {m}"), {"model"})


@tpl("model")
def model_deploy(lang, v):
    ver = v.ver()
    sha = v.hx(64)
    return R(L(lang,
               en=f"deployed model defect-yolov8s v{ver} (sha256:{sha}) input 640x640 conf_thres=0.25 iou_thres=0.45",
               de=f"Modell defect-yolov8s v{ver} ausgerollt (sha256:{sha}), Schwellwert 0,25",
               zh=f"模型 defect-yolov8s v{ver} 已部署 (sha256:{sha}) 置信度阈值0.25",
               ja=f"モデル defect-yolov8s v{ver} をデプロイ (sha256:{sha}) 閾値0.25",
               vi=f"đã triển khai mô hình defect-yolov8s v{ver} (sha256:{sha}), ngưỡng 0.25"),
             {"model"})


@tpl("model", "en de zh ja vi")
def hyperparams(lang, v):
    kv = [("model", v.c(["resnet50", "efficientnet_b3", "yolov8s", "patchcore", "lstm_ae"])),
          ("optimizer", v.c(["AdamW", "SGD", "Adam"])), ("lr", float(v.c(["0.0003", "0.001", "0.01"]))),
          ("batch_size", v.c([16, 32, 64])), ("weight_decay", float(v.c(["0.05", "0.0001"]))),
          ("epochs", v.c([50, 100, 300]))]
    return R(L(lang, en="training config", de="Trainingskonfiguration", zh="训练配置",
               ja="学習設定", vi="cấu hình huấn luyện"), {"model"}, kv,
             kind=v.c(["ml.train", "train.cfg", "hparams"]))


@tpl("model", "en zh ja")
def checkpoint(lang, v):
    n = v.i(1, 40)
    return R(L(lang,
               en=f"saved checkpoint runs/train/exp{n}/weights/best.pt (mAP {v.f(0.5, 0.95, 3)})",
               zh=f"模型权重已保存 runs/train/exp{n}/weights/best.pt mAP={v.f(0.5, 0.95, 3)}",
               ja=f"チェックポイント保存 runs/train/exp{n}/weights/best.pt mAP={v.f(0.5, 0.95, 3)}"),
             {"model"})


@tpl("model", "en de zh")
def anomaly_params(lang, v):
    return R(L(lang,
               en=v.c([f"isolation forest n_estimators={v.c([100, 200, 400])} contamination=0.01 max_samples=256",
                       f"vibration anomaly model v{v.i(1, 9)}: threshold 3.2 sigma, window 2048, FFT bins 512"]),
               de=f"Anomalieerkennung Modell v{v.i(1, 9)}: Schwelle 3,2 Sigma, Fenster 2048, FFT 512",
               zh=f"异常检测模型 v{v.i(1, 9)}：阈值3.2σ 窗口2048 FFT点数512"), {"model"})


@tpl("model", "en")
def mlflow_register(lang, v):
    return R(f"mlflow run {v.hx(32)} registered model 'spindle-rul' version {v.i(1, 30)} "
             f"stage=Production", {"model"}, kind=v.c(["mlflow", "ml", "registry"]))


@tpl("model", "en zh ja")
def onnx_export(lang, v):
    s = v.f(4, 120, 1)
    return R(L(lang,
               en=f"exported model to model.onnx opset 17 size {s} MB, dynamic batch",
               zh=f"模型导出 model.onnx opset17 大小{s}MB",
               ja=f"ONNXエクスポート完了 opset17 サイズ{s}MB"), {"model"})


@tpl("model", "en de ja")
def vision_algo_params(lang, v):
    return R(L(lang,
               en=f"blob tool params: threshold={v.i(60, 200)} min_area={v.i(10, 200)} px canny_low=50 canny_high=150",
               de=f"Bildverarbeitung Parameter: Schwelle {v.i(60, 200)}, Mindestfläche {v.i(10, 200)} px, Canny 50/150",
               ja=f"画像処理パラメータ 二値化閾値{v.i(60, 200)} 最小面積{v.i(10, 200)}px"),
             {"model"}, kind=v.c(["ai.vision", "vision.cfg", "mdl"]))


@tpl("model", "en zh")
def drift(lang, v):
    psi = v.f(0.21, 0.5, 2)
    return R(L(lang,
               en=f"data drift on feature vib_rms PSI={psi} > 0.2, model spindle-rul v14 retraining scheduled",
               zh=f"特征 vib_rms 数据漂移 PSI={psi}，模型 spindle-rul v14 已安排重新训练"),
             {"model"}, level="warning")


@tpl("model", "en ja vi")
def trt_engine(lang, v):
    return R(L(lang,
               en=f"TensorRT engine built for yolov8s FP16 batch 8 in {v.i(60, 600)} s, workspace 2048 MB",
               ja=f"TensorRTエンジン生成 yolov8s FP16 バッチ8 {v.i(60, 600)}秒",
               vi=f"đã tạo engine TensorRT cho yolov8s FP16, batch 8, {v.i(60, 600)} s"),
             {"model"})


# ============================================================================ personal


@tpl("personal", w=1.5)
def operator_login(lang, v):
    n = v.name(lang)
    e = v.emp(lang)
    return R(L(lang,
               en=v.c([f"user {n} ({e}) signed in at HMI-3", f"operator login: {n}, {e}"]),
               de=v.c([f"Bediener {n} ({e}) an HMI-3 angemeldet", f"Anmeldung {n}, {e}"]),
               zh=v.c([f"操作员 {n}（{e}）登录 HMI-3", f"{n} 登录系统，{e}"]),
               ja=v.c([f"作業者 {n} ({e}) がHMI-3にログイン", f"ログイン: {n} {e}"]),
               vi=v.c([f"công nhân {n} ({e}) đăng nhập HMI-3", f"đăng nhập: {n}, {e}"])),
             {"personal"}, kind=v.c(["op.login", "access", "auth.login"]))


@tpl("personal", w=1.5)
def notify_contact(lang, v):
    n = v.name(lang)
    em, ph = v.email(lang, n), v.phone(lang)
    return R(L(lang,
               en=v.c([f"report link sent to {em}", f"SMS to {n} {ph}: shift handover ready",
                       f"on-call engineer {n} <{em}>, mobile {ph}"]),
               de=v.c([f"Benachrichtigung per E-Mail an {em} gesendet",
                       f"SMS an Bereitschaft {n}, {ph}"]),
               zh=v.c([f"通知短信已发送至 {ph}（{n}）", f"通知邮件已发送：{em}"]),
               ja=v.c([f"通知メールを送信しました: {em}", f"呼出 {n} 携帯 {ph}"]),
               vi=v.c([f"đã gửi SMS thông báo tới {ph} ({n})", f"đã gửi email tới {em}"])),
             {"personal"}, kind=v.c(["notify", "mail", "sms"]))


@tpl("personal")
def hr_record(lang, v):
    n = v.name(lang)
    r = v.r
    return R(L(lang,
               en=f"payroll sync: employee {n}, IBAN {ids.group4(ids.iban(r, True, 'GB'))}",
               de=v.c([f"Lohnexport: Mitarbeiter {n}, IBAN {ids.group4(ids.iban(r, True, 'DE'))}, "
                       f"Steuer-ID {ids.de_tax_id(r)}",
                       f"Personalstamm geändert: {n}, Bankverbindung {ids.iban(r, True, 'DE')}"]),
               zh=f"人员入职：{n} 身份证号 {ids.cn_resident_id(r)} 手机 {v.phone('zh')}",
               ja=f"入社登録: {n} 個人番号 {ids.jp_my_number(r)}",
               vi=f"nhân viên mới: {n}, CCCD {ids.vn_citizen_id(r)}, SĐT {v.phone('vi')}"),
             {"personal"}, kind=v.c(["hr.sync", "hr", "payroll"]))


@tpl("personal", "en de zh ja")
def canteen_card(lang, v):
    c = ids.card(v.r, True)
    c = v.c([c, ids.group4(c)])
    amt = v.f(3, 12, 2)
    return R(L(lang,
               en=f"canteen terminal: card {c} charged {amt} USD",
               de=f"Kantinenkasse: Karte {c} belastet mit {amt} EUR",
               zh=f"食堂消费 卡号 {c} 金额 {amt} 元",
               ja=f"社員食堂 カード {c} 決済 {amt}円"), {"personal"},
             kind=v.c(["pos", "payment", "canteen"]))


@tpl("personal", "en de zh ja vi")
def visitor(lang, v):
    n, h = v.name(lang), v.name(lang)
    ph = v.phone(lang)
    return R(L(lang,
               en=f"visitor {n} (Acme Ltd) escorted by {h}, phone {ph}",
               de=f"Besucher {n} (Firma Huber GmbH), Ansprechpartner {h}, Tel. {ph}",
               zh=f"访客 {n} 来访，接待人 {h}，电话 {ph}",
               ja=f"来訪者 {n} 様 担当 {h} 連絡先 {ph}",
               vi=f"khách {n}, người tiếp {h}, điện thoại {ph}"), {"personal"},
             kind=v.c(["visitor", "gate", "security"]))


@tpl("personal")
def badge_access(lang, v):
    n = v.name(lang)
    b = v.i(1000000, 9999999)
    return R(L(lang,
               en=f"badge {b} ({n}) access granted door 3",
               de=f"Zutritt Tür 3 gewährt: Ausweis {b}, {n}",
               zh=f"门禁 3号门 卡号{b} {n} 通行",
               ja=f"入退室 ドア3 カード{b} {n} 許可",
               vi=f"kiểm soát ra vào cửa 3: thẻ {b} ({n}) được phép"), {"personal"},
             kind=v.c(["badge", "access", "pacs"]))


@tpl("personal", "en de")
def esign(lang, v):
    n = v.name(lang)
    return R(L(lang,
               en=f"batch B-{v.i(1000, 9999)} released, electronic signature {n} (QA)",
               de=f"Charge B-{v.i(1000, 9999)} freigegeben, elektronische Unterschrift {n} (QS)"),
             {"personal", "quality"})


@tpl("personal", "en zh ja vi")
def assignee(lang, v):
    n = v.name(lang)
    em = v.email(lang, n)
    return R(L(lang,
               en=f"task #{v.i(1000, 9999)} assigned to {n} <{em}>",
               zh=f"任务 #{v.i(1000, 9999)} 已分配给 {n}（{em}）",
               ja=f"タスク #{v.i(1000, 9999)} 担当者 {n} <{em}>",
               vi=f"công việc #{v.i(1000, 9999)} giao cho {n} <{em}>"), {"personal"})


# ============================================================================ device_id


@tpl("device_id", w=1.5)
def device_register(lang, v):
    s, m = v.serial(), v.mac()
    fw = v.ver()
    return R(L(lang,
               en=v.c([f"device registered: S/N {s} MAC {m} fw {fw}",
                       f"new node online serial={s} mac={m}"]),
               de=f"Gerät angemeldet: Seriennummer {s}, MAC {m}, Firmware {fw}",
               zh=f"设备注册 序列号 {s} MAC {m} 固件 {fw}",
               ja=f"機器登録 製造番号 {s} MAC {m} ファーム {fw}",
               vi=f"đăng ký thiết bị: số sê-ri {s}, MAC {m}, firmware {fw}"), {"device_id"})


@tpl("device_id", "en de zh ja")
def camera_found(lang, v):
    s, m = v.i(21000000, 40999999), v.mac()
    model = v.c(["acA1920-40gm", "a2A2590-60ucBAS", "ace2 R"])
    return R(L(lang,
               en=f"GigE camera found: Basler {model} serial {s} MAC {m}",
               de=f"GigE-Kamera gefunden: Basler {model}, Seriennr. {s}, MAC {m}",
               zh=f"发现GigE相机 Basler {model} 序列号{s} MAC {m}",
               ja=f"GigEカメラ検出 Basler {model} シリアル{s} MAC {m}"), {"device_id"},
             kind=v.c(["discovery", "cam", "gige"]))


@tpl("device_id", "en de zh vi")
def modem(lang, v):
    im, cc = v.imei(True), ids.iccid(v.r)
    return R(L(lang,
               en=f"LTE modem up IMEI {im} ICCID {cc}",
               de=f"LTE-Modem bereit, IMEI {im}, ICCID {cc}",
               zh=f"4G模块上线 IMEI:{im} ICCID:{cc}",
               vi=f"modem LTE: IMEI {im}, ICCID {cc}"), {"device_id"},
             kind=v.c(["tcu", "modem", "cell"]))


@tpl("device_id", "en zh de ja")
def vin_record(lang, v):
    vn = ids.vin(v.r)
    return R(L(lang,
               en=f"vehicle {vn} ignition on, ECU SW {v.ver()}",
               zh=f"车辆 VIN {vn} 上电 ECU软件版本 {v.ver()}",
               de=f"Fahrzeug FIN {vn} Zündung ein",
               ja=f"車両 車台番号 {vn} イグニッションON"), {"device_id"},
             kind=v.c(["tcu", "veh", "fleet"]))


@tpl("device_id", "en de")
def nameplate(lang, v):
    s = v.serial()
    return R(L(lang,
               en=f"motor nameplate read: 1FK7063-5AF71 serial no. {s}, 2.6 kW, 3000 rpm",
               de=f"Typenschild gelesen: 1FK7063-5AF71, Fertigungsnr. {s}, 2,6 kW"),
             {"device_id"})


@tpl("device_id", "en de zh ja vi")
def part_swap(lang, v):
    a, b = v.serial(), v.serial()
    return R(L(lang,
               en=f"module replaced: old S/N {a}, new S/N {b}",
               de=f"Baugruppe getauscht: alt SN {a}, neu SN {b}",
               zh=f"模块更换：旧序列号 {a}，新序列号 {b}",
               ja=f"ユニット交換 旧製造番号 {a} 新製造番号 {b}",
               vi=f"thay mô-đun: sê-ri cũ {a}, sê-ri mới {b}"), {"device_id", "diagnostic"},
             kind=v.c(["maint", "hw", "cmms"]))


@tpl("device_id", "en de zh ja vi")
def di_identification(lang, v):
    kv = [("Manufacturer", v.c(["Siemens AG", "FANUC", "Beckhoff", "Keyence", "Omron"])),
          ("Model", v.c(["SIMATIC S7-1516", "R-30iB Plus", "CX5140", "CV-X450", "NX1P2"])),
          ("SerialNumber", v.serial()), ("HardwareRevision", v.c(["A", "B2", "03"])),
          ("SoftwareRevision", v.ver())]
    return R(L(lang, en="identification", de="Identifikation", zh="设备铭牌信息",
               ja="機器情報", vi="thông tin thiết bị"), {"device_id"}, kv,
             kind=v.c(["dev.info", "ua.di", "asset.reg"]))


@tpl("device_id", "en zh")
def ble_beacon(lang, v):
    m = v.mac()
    rssi = v.i(-95, -40)
    return R(L(lang,
               en=f"BLE tag {m} rssi {rssi} dBm battery {v.i(2600, 3100)} mV",
               zh=f"蓝牙标签 {m} 信号强度{rssi}dBm 电池{v.i(2600, 3100)}mV"),
             {"device_id", "sensor"}, kind=v.c(["ble", "rtls", "beacon"]))


# ============================================================================ network_id


@tpl("network_id", w=1.5)
def plc_connected(lang, v):
    ip = v.ip(False)
    return R(L(lang,
               en=v.c([f"connected to PLC {ip}:102 (S7comm), rack 0 slot 1",
                       f"opc.tcp://{ip}:4840 session established"]),
               de=f"Verbindung zu SPS {ip} hergestellt",
               zh=f"已连接 PLC {ip}:502",
               ja=f"PLC {ip} に接続しました",
               vi=f"đã kết nối PLC {ip}"), {"network_id"}, kind=v.c(["conn", "link", "net"]))


@tpl("network_id", "en")
def dhcp(lang, v):
    return R(f"DHCPACK on {v.ip(False)} to {v.mac()} (cam-{v.i(1, 40):02d}) via eth1",
             {"network_id", "device_id"}, kind="dhcp")


@tpl("network_id", "en")
def firewall(lang, v):
    return R(f"DROP IN=eth0 OUT= SRC={v.ip(True)} DST={v.ip(False)} LEN=60 PROTO=TCP "
             f"SPT={v.i(1024, 65000)} DPT={v.c([502, 102, 44818, 4840, 22])}",
             {"network_id"}, kind=v.c(["fw.net", "iptables", "netfilter"]))


@tpl("network_id", "en de zh")
def ipv6_listen(lang, v):
    a = v.ip6()
    return R(L(lang,
               en=f"listening on [{a}]:4840",
               de=f"Server lauscht auf [{a}]:4840",
               zh=f"服务监听地址 [{a}]:4840"), {"network_id"})


@tpl("network_id", "en de zh ja vi")
def plc_unreachable(lang, v):
    ip = v.ip(False)
    return R(L(lang,
               en=f"PLC {ip} unreachable (ping timeout)",
               de=f"Steuerung {ip} nicht erreichbar",
               zh=f"PLC {ip} 网络不可达",
               ja=f"PLC {ip} 応答なし (ping タイムアウト)",
               vi=f"không kết nối được PLC {ip}"), {"network_id", "diagnostic"},
             level=v.c(["warning", "error"]))


@tpl("network_id", "en")
def route_ntp(lang, v):
    return R(v.c([f"route {v.ip(False).rsplit('.', 1)[0]}.0/24 via {v.ip(False)} dev eth1",
                  f"selected NTP server {v.ip()}", f"MQTT client edge-gw-0{v.i(1, 9)} connected "
                  f"from {v.ip()}:{v.i(30000, 60000)}"]), {"network_id"})


@tpl("network_id", "en de zh ja vi")
def url_with_ip(lang, v):
    u = f"http://{v.ip(False)}:{v.c([8080, 8443, 5000])}/api/v1/{v.c(['ingest', 'events', 'health'])}"
    return R(L(lang,
               en=f"POST {u} -> 200 in {v.ms()}",
               de=f"Upload an {u} erfolgreich",
               zh=f"数据上传至 {u} 成功",
               ja=f"{u} へ送信完了",
               vi=f"gửi dữ liệu tới {u} thành công"), {"network_id"})


@tpl("network_id", "en de zh ja vi")
def peer_kv(lang, v):
    return R(L(lang, en="session opened", de="Sitzung geöffnet", zh="会话建立",
               ja="セッション確立", vi="mở phiên"), {"network_id"},
             [("peer", v.ip()), ("port", v.c([4840, 1883, 8883, 502]))])


# ============================================================================ geolocation


@tpl("geolocation", w=1.5)
def gnss_fix(lang, v):
    lat, lon = v.latlon(lang)
    return R(L(lang,
               en=f"GNSS fix lat={lat} lon={lon} alt={v.f(2, 300)}m sats={v.i(6, 20)} hdop={v.f(0.6, 2.0)}",
               de=f"GPS-Position: Breite {lat}, Länge {lon}, Höhe {v.f(200, 500)} m",
               zh=f"定位 纬度{lat} 经度{lon} 海拔{v.f(2, 300)}m 卫星数{v.i(6, 20)}",
               ja=f"位置情報 緯度{lat} 経度{lon} 標高{v.f(2, 300)}m",
               vi=f"vị trí GPS: vĩ độ {lat}, kinh độ {lon}"), {"geolocation"})


def _nmea(lat: float, lon: float, v: V) -> str:
    la = f"{int(abs(lat)):02d}{(abs(lat) % 1) * 60:07.4f},{'N' if lat >= 0 else 'S'}"
    lo = f"{int(abs(lon)):03d}{(abs(lon) % 1) * 60:07.4f},{'E' if lon >= 0 else 'W'}"
    body = (f"GPGGA,{v.i(0, 23):02d}{v.i(0, 59):02d}{v.i(0, 59):02d}.00,{la},{lo},1,"
            f"{v.i(5, 14):02d},0.9,{v.f(10, 500)},M,46.9,M,,")
    cs = 0
    for ch in body:
        cs ^= ord(ch)
    return f"${body}*{cs:02X}"


@tpl("geolocation", "en de zh ja vi")
def nmea(lang, v):
    lat, lon = v.latlon(lang)
    return R(_nmea(float(lat), float(lon), v), {"geolocation"}, kind=v.c(["nmea", "gnss", "gps"]))


@tpl("geolocation")
def vehicle_position(lang, v):
    lat, lon = v.latlon(lang)
    sp = v.i(0, 90)
    return R(L(lang,
               en=f"truck T-{v.i(10, 99)} at {lat},{lon} speed {sp} km/h heading {v.i(0, 359)}°",
               de=f"LKW {v.i(10, 99)} Position {lat}, {lon}, Geschwindigkeit {sp} km/h",
               zh=f"车辆位置 北纬{lat} 东经{lon} 速度 {sp} km/h",
               ja=f"車両位置 緯度{lat} 経度{lon} 速度{sp}km/h",
               vi=f"vị trí xe: {lat}, {lon}, tốc độ {sp} km/h"), {"geolocation", "sensor"},
             kind=v.c(["fleet.pos", "tcu", "track"]))


@tpl("geolocation")
def address(lang, v):
    a = v.address(lang)
    return R(L(lang,
               en=f"delivery address: {a}", de=f"Lieferadresse: {a}", zh=f"收货地址：{a}",
               ja=f"納入先住所: {a}", vi=f"địa chỉ giao hàng: {a}"), {"geolocation"},
             kind=v.c(["ship", "wms", "loc"]))


@tpl("geolocation", "en de zh ja vi")
def geo_kv(lang, v):
    lat, lon = v.latlon(lang)
    shape = v.r.randrange(3)
    if shape == 0:
        kv = [("location", {"lat": float(lat), "lng": float(lon)})]
    elif shape == 1:
        kv = [("geo", f"{lat},{lon}")]
    else:
        kv = [("latitude", float(lat)), ("longitude", float(lon))]
    return R(L(lang, en="position update", de="Positionsmeldung", zh="位置上报",
               ja="位置更新", vi="cập nhật vị trí"), {"geolocation"}, kv)


@tpl("geolocation", "en de zh")
def geofence(lang, v):
    lat, lon = v.latlon(lang, 4)
    return R(L(lang,
               en=f"asset left geofence Plant-2 at {lat},{lon}",
               de=f"Geofence Werk 2 verlassen bei {lat}, {lon}",
               zh=f"资产离开电子围栏 厂区2 坐标 {lat},{lon}"), {"geolocation"})


@tpl("geolocation", "en", w=0.6)
def dms(lang, v):
    lat, lon = v.latlon("de")
    la, lo = float(lat), float(lon)
    return R(f"drone D-7 home point {int(la)}°{int(la % 1 * 60)}'{la * 3600 % 60:.1f}\"N "
             f"{int(lo)}°{int(lo % 1 * 60)}'{lo * 3600 % 60:.1f}\"E", {"geolocation"})


# ============================================================================ secret


@tpl("secret", w=1.4)
def password_config(lang, v):
    pw = v.c(["Tr4nsf0rm!2024", "Sommer2024!", "Abc@12345", "Kosaku#0412", "xuong2@2024",
              "P@ssw0rd123", "plc_Admin#77", "Welcome1!"])
    return R(L(lang,
               en=v.c([f"mqtt.user=edge01 mqtt.password={pw}", f"config dump: ftp_pass='{pw}'"]),
               de=f"Kennwort für Benutzer service gesetzt: {pw}",
               zh=f"FTP 账号 plcbak 密码 {pw}",
               ja=f"接続設定 ユーザー ope01 パスワード: {pw}",
               vi=f"mật khẩu wifi xưởng: {pw}"), {"secret"}, kind=v.c(["cfg", "conf.dump", "env"]))


@tpl("secret", "en")
def connection_string(lang, v):
    pw = ids.token(v.r, 12)
    return R(v.c([f"Server=mes-db01;Database=MES;User Id=sa;Password={pw};",
                  f"postgresql://historian:{pw}@hist01.corp.local:5432/tsdb"]), {"secret"})


@tpl("secret", "en")
def conn_string_ip(lang, v):
    pw = ids.token(v.r, 10)
    return R(f"Data Source={v.ip(False)},1433;Initial Catalog=QDB;User ID=qs_app;Password={pw}",
             {"secret", "network_id"})


@tpl("secret", "en")
def aws_keys(lang, v):
    return R(f"AWS_ACCESS_KEY_ID={ids.aws_key_id(v.r)} AWS_SECRET_ACCESS_KEY="
             f"{ids.token(v.r, 40, ids.B62 + '/+')}", {"secret"}, kind=v.c(["env", "ci", "deploy"]))


@tpl("secret", "en de zh")
def azure_iot(lang, v):
    key = ids.token(v.r, 43) + "="
    cs = f"HostName=plant-hub.azure-devices.net;DeviceId=gw0{v.i(1, 9)};SharedAccessKey={key}"
    return R(L(lang, en=f"device connection string: {cs}", de=f"Verbindungszeichenfolge: {cs}",
               zh=f"设备连接字符串：{cs}"), {"secret"})


@tpl("secret", "en zh ja")
def bearer(lang, v):
    t = ids.jwt(v.r)
    return R(L(lang,
               en=f"request headers: Authorization: Bearer {t}",
               zh=f"请求头 Authorization: Bearer {t}",
               ja=f"認証ヘッダ Authorization: Bearer {t}"), {"secret"}, kind="http")


@tpl("secret", "en zh vi")
def rtsp_creds(lang, v):
    u = f"rtsp://admin:{v.c(['Hik12345', 'cam!2024', 'Admin888'])}@{v.ip(False)}:554/Streaming/Channels/101"
    return R(L(lang, en=f"opening stream {u}", zh=f"打开视频流 {u}", vi=f"mở luồng camera {u}"),
             {"secret", "network_id"}, kind=v.c(["cam", "nvr", "stream"]))


@tpl("secret", "en")
def private_key(lang, v):
    return R(f"-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA{ids.token(v.r, 60)}"
             f" -----END OPENSSH PRIVATE KEY-----", {"secret"}, kind=v.c(["deploy", "ssh"]))


@tpl("secret", "en")
def git_slack_tokens(lang, v):
    return R(v.c([f"git clone https://oauth2:ghp_{ids.token(v.r, 36)}@github.com/acme/plc-recipes.git",
                  f"posting to https://hooks.slack.com/services/T0{ids.token(v.r, 8).upper()}/"
                  f"B0{ids.token(v.r, 8).upper()}/{ids.token(v.r, 24)}",
                  f"x-api-key: {v.hx(32)}",
                  f"SLACK_BOT_TOKEN=xoxb-{v.i(10 ** 11, 10 ** 12 - 1)}-{v.i(10 ** 11, 10 ** 12 - 1)}-"
                  f"{ids.token(v.r, 24)}"]), {"secret"}, kind=v.c(["ci", "webhook", "http"]))


@tpl("secret", "en de zh ja vi")
def secret_kv(lang, v):
    kv = v.c([[("username", "svc_mes"), ("password", ids.token(v.r, 14))],
              [("api_key", ids.token(v.r, 32))],
              [("client_secret", ids.token(v.r, 40))]])
    return R(L(lang, en="connector settings", de="Connector-Einstellungen", zh="接口配置",
               ja="接続設定", vi="cấu hình kết nối"), {"secret"}, kv)


# ============================================================================ none


@tpl("none", w=1.6)
def service_started(lang, v):
    ver, ms = v.ver(), v.ms()
    svc = v.c(["mes-agent", "edge-collector", "opcua-bridge", "historian-sync", "report-svc"])
    return R(L(lang,
               en=v.c([f"service {svc} {ver} started in {ms} (pid {v.i(300, 30000)})",
                       f"{svc} ready, version {ver}", "Started Daily apt download activities.",
                       "Reached target Multi-User System."]),
               de=v.c([f"Dienst {svc} gestartet (Version {ver}, {ms})", f"{svc} bereit"]),
               zh=v.c([f"服务 {svc} 已启动 版本 {ver} 耗时 {ms}", f"{svc} 启动完成"]),
               ja=v.c([f"サービス {svc} を開始しました (v{ver}, {ms})", f"{svc} 起動完了"]),
               vi=v.c([f"dịch vụ {svc} đã khởi động (phiên bản {ver}, {ms})", f"{svc} sẵn sàng"])),
             set(), kind=v.c(KINDS["none"]))


@tpl("none", w=1.4)
def connection_closed(lang, v):
    sid = v.hx(v.c([8, 12, 16]))
    d = f"00:{v.i(0, 59):02d}:{v.i(0, 59):02d}"
    return R(L(lang,
               en=v.c([f"connection closed (session {sid}, {d})", "connection closed by peer",
                       f"client disconnected, session {sid}"]),
               de=v.c([f"Verbindung getrennt (Sitzung {sid}, Dauer {d})", "Verbindung geschlossen"]),
               zh=v.c([f"连接已关闭（会话 {sid}，时长 {d}）", "客户端断开连接"]),
               ja=v.c([f"接続を閉じました (セッション {sid})", "クライアント切断"]),
               vi=v.c([f"đã đóng kết nối (phiên {sid}, {d})", "client đã ngắt kết nối"])),
             set())


@tpl("none", "en de zh ja vi", w=1.5)
def heartbeat(lang, v):
    return R("", set(), [("seq", v.i(1, 999999)), ("uptime_s", v.i(60, 9000000)),
                         ("status", v.c(["ok", "alive", "OK", "running"]))],
             kind=v.c(["heartbeat", "hb", "keepalive", "STATE"]))


@tpl("none")
def config_reloaded(lang, v):
    rev = v.i(1, 400)
    return R(L(lang,
               en=v.c([f"configuration reloaded from /etc/edge/agent.yaml (rev {rev})",
                       "config unchanged, skipping reload"]),
               de=f"Konfiguration neu geladen (Revision {rev})",
               zh=f"配置已重新加载（版本 {rev}）",
               ja=f"設定を再読み込みしました (rev {rev})",
               vi=f"đã tải lại cấu hình (bản {rev})"), set())


@tpl("none")
def backup_done(lang, v):
    n, gb, s = v.i(100, 20000), v.f(0.1, 40, 1), v.i(5, 900)
    return R(L(lang,
               en=f"backup job nightly-{v.i(1, 31):02d} completed: {n} files, {gb} GB, {s} s",
               de=f"Sicherung abgeschlossen: {n} Dateien, {gb} GB in {s} s",
               zh=f"备份任务完成：{n} 个文件，{gb} GB，用时 {s} 秒",
               ja=f"バックアップ完了: {n}ファイル {gb}GB {s}秒",
               vi=f"sao lưu xong: {n} tệp, {gb} GB, {s} giây"), set())


@tpl("none", "en")
def http_access(lang, v):
    return R(f"{v.c(['GET', 'POST', 'PUT'])} /api/v{v.i(1, 3)}/{v.c(['health', 'status', 'orders/sync', 'metrics'])} "
             f"{v.c([200, 200, 204, 304])} {v.i(1, 900)}ms req_id={v.hx(16)}", set(),
             kind=v.c(["http", "access", "api"]))


@tpl("none")
def scheduled_task(lang, v):
    t = v.c(["log-rotate", "db-vacuum", "cache-cleanup", "report-export"])
    nxt = f"{v.later_date()}T02:00:00Z"
    return R(L(lang,
               en=f"scheduled task '{t}' finished, next run {nxt}",
               de=f"Geplante Aufgabe '{t}' beendet, nächster Lauf {nxt}",
               zh=f"定时任务 {t} 执行完毕，下次运行 {nxt}",
               ja=f"定期ジョブ {t} 完了 次回 {nxt}",
               vi=f"tác vụ định kỳ {t} hoàn tất, lần chạy tiếp {nxt}"), set())


@tpl("none", "en de")
def windows_service_state(lang, v):
    svc = v.c(["Print Spooler", "Windows Update", "OPC UA Server", "Vision Runtime"])
    st = v.c(["running", "stopped"])
    return R(L(lang,
               en=f"The {svc} service entered the {st} state.",
               de=f"Der Dienst \"{svc}\" befindet sich jetzt im Status "
                  f"\"{'Wird ausgeführt' if st == 'running' else 'Beendet'}\"."),
             set(), kind=v.c(["7036", "EventLog", "SCM"]))


@tpl("none")
def sync_done(lang, v):
    n = v.i(10, 99999)
    return R(L(lang,
               en=f"sync with historian done: {n} rows in {v.f(0.1, 9, 1)} s, last id 0x{v.hx(12)}",
               de=f"Abgleich fertig: {n} Datensätze in {v.f(0.1, 9, 1)} s",
               zh=f"同步完成：{n} 条记录，耗时 {v.f(0.1, 9, 1)} 秒",
               ja=f"同期完了 {n}件 {v.f(0.1, 9, 1)}秒",
               vi=f"đồng bộ xong: {n} bản ghi trong {v.f(0.1, 9, 1)} s"), set())


@tpl("none", "en")
def kafka_offsets(lang, v):
    return R(f"Committed offsets for partition {v.c(['telemetry', 'events', 'alarms'])}-"
             f"{v.i(0, 11)} at offset {v.i(1000, 99999999)}", set(), kind="kafka")


@tpl("none", "en de zh ja vi")
def keyword_bait(lang, v):
    """Service and topic names that contain a category's word, with no such data."""
    svc = v.c(["calibration-service", "quality-gateway", "alarm-router", "recipe-manager",
               "model-server", "sensor-hub", "gps-daemon"])
    return R(L(lang,
               en=v.c([f"{svc} connected to broker", f"{svc} health check ok",
                       f"subscribed to topic plant/+/{svc.split('-')[0]}"]),
               de=f"{svc} mit Broker verbunden",
               zh=f"{svc} 已连接消息总线",
               ja=f"{svc} ブローカー接続完了",
               vi=f"{svc} đã kết nối broker"), set())


@tpl("none", "en de zh ja vi")
def firmware_version(lang, v):
    ver = f"{v.i(1, 12)}.{v.i(0, 9)}.{v.i(0, 30)}.{v.i(0, 300)}"
    return R(L(lang,
               en=f"firmware version {ver} is up to date",
               de=f"Firmware {ver} ist aktuell",
               zh=f"固件版本 {ver} 已是最新",
               ja=f"ファームウェア {ver} は最新です",
               vi=f"firmware {ver} là bản mới nhất"), set())


@tpl("none", "en de zh ja vi")
def masked_secret(lang, v):
    return R(L(lang,
               en=v.c(["login ok for user svc_mes, password=******", "token=<redacted> refreshed"]),
               de="Anmeldung svc_mes erfolgreich, Kennwort=********",
               zh="用户 svc_mes 登录成功，密码=******",
               ja="ユーザー svc_mes ログイン成功 パスワード=*****",
               vi="đăng nhập svc_mes thành công, mật khẩu=******"), set())


@tpl("none", "en")
def git_commit(lang, v):
    return R(f"deployed build {v.ver()}+{v.hx(7)} (commit {v.hx(40)}), image digest "
             f"sha256:{v.hx(64)}", set(), kind=v.c(["deploy", "ci"]))


@tpl("none", "en de zh ja")
def shift_change_plain(lang, v):
    return R(L(lang, en="user session timeout, screen locked",
               de="Bildschirm gesperrt (Zeitüberschreitung)", zh="会话超时，屏幕已锁定",
               ja="セッションタイムアウト 画面ロック"), set())


# ---------------------------------------------------------------------------- look-alikes

LOOK_KINDS = ["card", "iban", "cn_resident_id", "de_tax_id", "imei", "jp_my_number"]


def lookalike_value(kind: str, v: V) -> str:
    r = v.r
    if kind == "card":
        c = ids.card(r, False)
        return v.c([c, ids.group4(c)])
    if kind == "iban":
        i = ids.iban(r, False)
        return v.c([i, ids.group4(i)])
    if kind == "cn_resident_id":
        return ids.cn_resident_id(r, False)
    if kind == "de_tax_id":
        return ids.de_tax_id(r, False)
    if kind == "imei":
        return ids.imei(r, False)
    return ids.jp_my_number(r, False)


@tpl("none", "en de zh ja vi", w=5.0)
def lookalike_ref(lang, v):
    kind = v.c(LOOK_KINDS)
    x = lookalike_value(kind, v)
    return R(L(lang,
               en=v.c([f"message {x} acknowledged", f"trace {x} exported in {v.ms()}",
                       f"ref {x} archived", f"barcode {x} scanned at gate 2",
                       f"tracking no. {x} handed to carrier"]),
               de=v.c([f"Beleg {x} übertragen", f"Referenz {x} archiviert",
                       f"Barcode {x} an Tor 2 gelesen"]),
               zh=v.c([f"追溯码 {x} 已上传", f"单据号 {x} 已归档", f"条码 {x} 扫描完成"]),
               ja=v.c([f"伝票番号 {x} を送信しました", f"追跡番号 {x} 登録済み"]),
               vi=v.c([f"mã tham chiếu {x} đã đồng bộ", f"mã vạch {x} đã quét"])),
             set(), look=[(kind, x)])


@tpl("operational", "en de zh ja vi", w=2.5)
def lookalike_order(lang, v):
    kind = v.c(LOOK_KINDS)
    x = lookalike_value(kind, v)
    q = v.i(10, 900)
    return R(L(lang,
               en=f"order {x} released, qty {q}",
               de=f"Auftragsnr. {x} freigegeben, Menge {q}",
               zh=f"订单号 {x} 已下达，数量 {q}",
               ja=f"注文番号 {x} 発行 数量{q}",
               vi=f"đơn hàng {x} đã phát hành, số lượng {q}"), {"operational"},
             look=[(kind, x)])


@tpl("none", "en de zh ja vi", w=3.0)
def lookalike_kv(lang, v):
    kind = v.c(LOOK_KINDS)
    x = lookalike_value(kind, v).replace(" ", "")
    key = v.c(["msg_id", "ref", "doc_no", "trace_id", "txn", "lot_code"])
    val: object = int(x) if x.isdigit() and v.p(0.4) else x
    return R(L(lang, en="record forwarded", de="Datensatz weitergeleitet", zh="记录已转发",
               ja="レコード転送", vi="đã chuyển tiếp bản ghi"), set(), [(key, val)],
             look=[(kind, x)])
