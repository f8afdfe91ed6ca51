-- phpMyAdmin SQL Dump
SET SQL_MODE = "NO_AUTO_VALUE_ON_ZERO";
/*!40101 SET NAMES utf8mb4 */;
CREATE TABLE `nv4_vi_news_cat` (
  `catid` smallint(5) UNSIGNED NOT NULL,
  `parentid` smallint(5) UNSIGNED NOT NULL DEFAULT '0',
  `title` varchar(250) NOT NULL,
  `alias` varchar(250) NOT NULL DEFAULT ''
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4;
INSERT INTO `nv4_vi_news_cat` (`catid`, `parentid`, `title`, `alias`) VALUES
(1, 0, 'Hoạt động HĐND tỉnh', 'hoat-dong-hdnd-tinh'),
(2, 0, 'Tin địa phương', 'tin-dia-phuong');
CREATE TABLE `nv4_vi_news_rows` (
  `id` int(11) UNSIGNED NOT NULL,
  `catid` smallint(5) UNSIGNED NOT NULL DEFAULT '0',
  `listcatid` varchar(255) NOT NULL DEFAULT '',
  `topicid` smallint(5) UNSIGNED NOT NULL DEFAULT '0',
  `author` varchar(250) DEFAULT '',
  `sourceid` mediumint(8) NOT NULL DEFAULT '0',
  `addtime` int(11) NOT NULL DEFAULT '0',
  `status` tinyint(4) NOT NULL DEFAULT '1',
  `publtime` int(11) NOT NULL DEFAULT '0',
  `exptime` int(11) NOT NULL DEFAULT '0',
  `title` varchar(250) NOT NULL DEFAULT '',
  `alias` varchar(250) NOT NULL DEFAULT '',
  `hometext` text NOT NULL,
  `hitstotal` mediumint(8) UNSIGNED NOT NULL DEFAULT '0',
  `homeimgfile` varchar(255) DEFAULT '',
  `homeimgalt` varchar(255) DEFAULT ''
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4;
INSERT INTO `nv4_vi_news_rows` VALUES (321, 1, '1,2', 3, 'Tuyết Nhung', 1, 1412212200, 1, 1412212200, 0, 'Hội nghị giao ban lần thứ 2 năm 2014', 'hoi-nghi-giao-ban-lan-thu-2-nam-2014', 'Ngày 02/10/2014, tại huyện Trùng Khánh, Thường trực HĐND tỉnh tổ chức giao ban.', 1520, '2014_10/hoi-nghi.jpg', 'Quang cảnh Hội nghị giao ban'),
(322, 2, '2', 0, '', 0, 1412298600, 0, 1412298600, 0, 'Bản nháp: tin chưa đăng', 'ban-nhap', 'Chưa đăng.', 0, '', ''),
(323, 2, '2', 0, 'Minh Hòa', 0, 1893456000, 2, 1893456000, 1924992000, 'Tin hẹn giờ đăng năm 2030', 'tin-hen-gio', 'Đăng sau.', 0, '', ''),
(324, 1, '1', 0, '', 0, 1412298600, 1, 1412298600, 0, '', 'khong-tieu-de', '', 0, '', '');
CREATE TABLE `nv4_vi_news_detail` (
  `id` int(11) UNSIGNED NOT NULL,
  `titlesite` varchar(255) NOT NULL DEFAULT '',
  `bodyhtml` longtext NOT NULL,
  `sourcetext` varchar(255) DEFAULT '',
  `files` text
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4;
INSERT INTO `nv4_vi_news_detail` VALUES (321, '', '<p style=\"text-align: justify;\"><font face=\"Arial\">Phát biểu khai mạc, đồng chí Hà Ngọc Chiến nhấn mạnh: \'chất lượng\'.</font></p>\r\n<p>&nbsp;</p>\r\n<p class=\"MsoNormal\"><span lang=\"VI\">Đoạn chép từ Word.<o:p></o:p></span></p><table><tr><th>Huyện</th><th>Số cuộc</th></tr><tr><td>Trùng Khánh</td><td>4</td></tr></table><h2>Kết quả</h2><ul><li>Một</li><li>Hai</li></ul><p>Xem <a href=\"http://hdndcaobang.gov.vn/vi/news/tin-dia-phuong/tin-hen-gio-323.html\">tin sau</a>.</p><p><img alt=\"Đại biểu dự hội nghị\" src=\"http://hdndcaobang.gov.vn/uploads/news/2014_10/dai-bieu.jpg\"></p><p><img alt=\"Ảnh thiếu\" src=\"/uploads/news/2014_10/khong-co.jpg\"></p>', '', '2014_10/bao-cao.pdf,2014_10/thieu.docx'),
(322, '', '<p>Nháp.</p>', '', ''),
(323, '', '<p>Tin đăng năm 2030.</p>', '', '');
CREATE TABLE `nv4_vi_news_sources` (`sourceid` mediumint(8) NOT NULL, `title` varchar(250) NOT NULL);
INSERT INTO `nv4_vi_news_sources` VALUES (1, 'Báo Cao Bằng');
CREATE TABLE `nv4_vi_news_topics` (`topicid` smallint(5) NOT NULL, `title` varchar(250) NOT NULL, `alias` varchar(250) NOT NULL);
INSERT INTO `nv4_vi_news_topics` VALUES (3, 'Giao ban Thường trực HĐND năm 2014', 'giao-ban-thuong-truc-hdnd-nam-2014');
CREATE TABLE `nv4_vi_news_tags` (`tid` mediumint(8) NOT NULL, `numnews` mediumint(8) NOT NULL, `alias` varchar(250) NOT NULL);
INSERT INTO `nv4_vi_news_tags` VALUES (1, 1, 'giao-ban'), (2, 1, 'trùng-khánh');
CREATE TABLE `nv4_vi_news_tags_id` (`id` int(11) NOT NULL, `tid` mediumint(9) NOT NULL, `keyword` varchar(65) NOT NULL);
INSERT INTO `nv4_vi_news_tags_id` VALUES (321, 1, 'giao ban'), (321, 2, 'Trùng Khánh');
CREATE TABLE `nv4_vi_news_1` (`id` int(11) NOT NULL, `title` varchar(250) NOT NULL);
INSERT INTO `nv4_vi_news_1` VALUES (321, 'Hội nghị giao ban lần thứ 2 năm 2014');
