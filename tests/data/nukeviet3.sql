CREATE TABLE `nv3_vi_news_rows` (
  `id` int(11) NOT NULL,
  `catid` int(11) NOT NULL,
  `listcatid` varchar(255) NOT NULL,
  `author` varchar(255) NOT NULL,
  `status` tinyint(1) NOT NULL,
  `publtime` int(11) NOT NULL,
  `title` varchar(255) NOT NULL,
  `alias` varchar(255) NOT NULL,
  `hometext` mediumtext NOT NULL,
  `keywords` mediumtext NOT NULL
);
INSERT INTO `nv3_vi_news_rows` VALUES (15,4,'4','Đức Anh',1,1262304000,'Kỳ họp thứ 13 HĐND tỉnh khóa XIV','ky-hop-thu-13','Sáng 1/1/2010, HĐND tỉnh khai mạc kỳ họp.','kỳ họp, Đại biểu HĐND');
CREATE TABLE `nv3_vi_news_cat` (`catid` int(11) NOT NULL, `title` varchar(255) NOT NULL, `alias` varchar(255) NOT NULL);
INSERT INTO `nv3_vi_news_cat` VALUES (4,'Kỳ họp','Ky-hop');
CREATE TABLE `nv3_vi_news_bodyhtml_1` (`id` int(11) NOT NULL, `bodyhtml` longtext NOT NULL);
INSERT INTO `nv3_vi_news_bodyhtml_1` VALUES (15,'<p>Kỳ họp diễn ra trong hai ngày.</p>');
