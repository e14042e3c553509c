// The subject files_downloadactivity gives a download by the desktop client,
// in every language the app ships: its activity is written in the reader's
// language (the service account's: 42i of the recordings is German), and
// only the sentence tells the desktop client from the browser. From
// nextcloud/files_downloadactivity, l10n/*.json at f77cd80 (2026-01-28), the
// translations of "Shared file {file} was downloaded by {actor} via the desktop
// client" (66 languages); tracking/activity_reads.cpp compares whole templates.
#include "tracking/activity_reads.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace prereadd::tracking {
namespace {

constexpr std::array<std::string_view, 49> desktop_subjects = {
    "A(z) {file} megosztott fájl letöltötte {actor} az asztali alkalmazással",
    "Berkas berbagi {file} telah diunduh oleh {actor} via klien desktop",
    "Datoteku za dijeljenje {file} preuzeo je {actor} putem računalnog klijenta",
    "Deild skrá {file} var sótt af {actor} með forritinu fyrir skjáborðstölvur",
    "Delt fil {file} ble lastet ned av {actor} via skrivebordsklienten",
    "Den delade filen {file} har hämtats av {actor} via skrivbordsklienten",
    "Den delte fil {file} blev downloadet af {actor} via klienten",
    "El archivo compartido {file} fue descargado por  {actor} vía el cliente de escritorio",
    "El archivo compartido {file} fue descargado por {actor} vía el cliente de escritorio",
    "Faili iliyoshirikishwa {file}ilipakuliwa na {actor}kupitia mteja wa desktop",
    "Gedeeld bestand {file} was gedownload door {actor} via de desktop client",
    "Geteilte Datei {file} wurde von {actor} mit dem Desktop-Client heruntergeladen",
    "Il file condiviso {file} è stato scaricato da {actor} tramite il client desktop",
    "Jagatud fail {file} laaditi alla {actor} poolt töölauakliendi kaudu",
    "Koplietoto datni {file} lejupielādēja {actor} izmantojot darbavirsmas klientu",
    "Kunhavita dosiero {file} estis elŝutita de {actor} per labortabla kliento",
    "Le fichier partagé {file} a été téléchargé par {actor} via le client de bureau",
    "O arquivo compartilhado {file} foi baixado por {actor} via cliente do desktop",
    "O ficheiro compartido {file} foi descargado por {actor} co cliente de escritorio",
    "O ficheiro partilhado {file} foi transferido por {actor} via cliente de PC",
    "Paylaşılan {file} dosyası {actor} tarafından bilgisayar istemcisi ile indirildi",
    "Sdílený soubor {file} stáhl(a) {actor} prostřednictvím klienta pro desktop",
    "Shared file {file} was downloaded by {actor} via the desktop client",
    "Skedari i ndarë {file} u shkarkuar nga {actor} duke përdorur klientin e desktopit ",
    "Sprístupnený súbor {file} bol stiahnutý používateľom {actor} pomocou PC klienta",
    "Su documentu cumpartzidu {file} est istètiu iscarrigadu dae {actor} dae s'iscrivania cliente",
    "Udostępniony plik {file} został pobrany przez {actor} za pośrednictwem klienta desktopowego",
    "{actor} atsisiuntė bendrinamą failą {file} per darbalaukio kliento programą",
    "{actor} ha baixat el fitxer compartit {file} mitjançant el client d'escriptori",
    "{actor} latasi jaetun tiedoston {file} työpöytäsovelluksen kautta",
    "{actor} prejme dokument {file} v skupni rabi prek namiznega odjemalca.",
    "{actor} звантажив(-ла) файл у спільному доступі {file} через настільний клієнт",
    "{actor} скачал «{file}» на настольный ПК",
    "{actor} が共有 {file}  をデスクトップクライアント経由でダウンロードしました。",
    "{file} partekatutako fitxategia {actor}-(e)k deskargatu du idazmahai bezeroa erabiliz",
    "Íoslódail {actor} comhad comhroinnte {file} tríd an gcliant deisce",
    "Το κοινόχρηστο αρχείο {file} λήφθηκε από τον {actor} μέσω του προγράμματος-πελάτη επιφάνειας εργασίας",
    "Дељени фајл {file} је преузео {actor} преко десктоп клијента",
    "Споделен файл {file} беше изтеглен от {actor} чрез настолен компютър",
    "Споделената датотека {file} е преземена од {actor} преку клиент за компјутер",
    "Түгээлцсэн {file} {actor}  хэрэглэгчийн компьютероор татагдсан. ",
    "הקובץ המשותף {file} נשלח אל {actor} לפי דרישה בעזרת הלקוח לשולחן העבודה",
    "ئورتاق ھۆججەت {file} ئۈستەل يۈزى خېرىدارى ئارقىلىق {actor} by تەرىپىدىن چۈشۈرۈلدى",
    "تم تنزيل الملف المشترك {file} بواسطة {actor} عبر تطبيق سطح المكتب",
    "پرونده مشترک {file} از طریق سرویس دهنده رایانه توسط {actor} بارگیری شد",
    "გაზიარებული ფაილი {file} დესკტოპ-კლიენტით გადმოწერა მომხმარებელმა {actor}",
    "共享文件 {file} 由 {actor} 透過桌面客戶端下載",
    "共享文件 {file} 由 {actor} 通过桌面客户端下载",
    "공유한 파일 {file}을(를) {actor} 님이 데스크톱 클라이언트로 다운로드함",
};

}  // namespace

bool is_desktop_download(std::string_view subject_template)
{
    return std::find(desktop_subjects.begin(), desktop_subjects.end(), subject_template) != desktop_subjects.end();
}

}  // namespace prereadd::tracking
