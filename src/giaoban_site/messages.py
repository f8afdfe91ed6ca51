"""The catalogue of every message an editor can see, in Vietnamese (default) and English."""

from __future__ import annotations

import os

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Vietnamese, English)
    "not_utf8": ("tệp không phải UTF-8 (byte lỗi ở vị trí {pos}); hãy lưu lại tệp với bảng mã UTF-8",
                 "file is not UTF-8 (bad byte at offset {pos}); save it again as UTF-8"),
    "no_front_matter": ("thiếu phần đầu (front matter): tệp phải bắt đầu bằng một dòng '---', "
                        "các trường như 'title:' và 'date:', rồi một dòng '---'",
                        "no front matter: the file must start with a '---' line, fields such as "
                        "'title:' and 'date:', then a '---' line"),
    "unclosed_front_matter": ("phần đầu (front matter) mở bằng '---' nhưng không có dòng '---' đóng lại",
                              "front matter opened with '---' but never closed with a '---' line"),
    "yaml_syntax": ("lỗi cú pháp YAML trong phần đầu: {problem}", "YAML syntax error in front matter: {problem}"),
    "front_matter_not_mapping": ("phần đầu phải là các dòng 'trường: giá trị', không phải {kind}",
                                 "front matter must be 'field: value' lines, not {kind}"),
    "missing_title": ("thiếu tiêu đề: thêm dòng 'title: Tiêu đề bài viết'",
                      "missing title: add a line 'title: Article title'"),
    "empty_title": ("tiêu đề 'title' đang để trống", "'title' is empty"),
    "title_not_text": ("tiêu đề 'title' phải là chữ, không phải {kind}", "'title' must be text, not {kind}"),
    "missing_date": ("thiếu ngày đăng: thêm dòng 'date: 2014-10-02' hoặc 'date: 2014-10-02 08:30'",
                     "missing date: add a line 'date: 2014-10-02' or 'date: 2014-10-02 08:30'"),
    "bad_date": ("ngày '{field}' không hợp lệ: '{value}'; dùng dạng 2024-02-29 hoặc 2024-02-29 08:30",
                 "'{field}' is not a date: '{value}'; use 2024-02-29 or 2024-02-29 08:30"),
    "not_a_list": ("'{field}' phải là một danh sách, ví dụ: {field}: [kỳ họp, giám sát]",
                   "'{field}' must be a list, for example: {field}: [meeting, oversight]"),
    "list_item_not_text": ("mỗi mục trong '{field}' phải là chữ, không phải {kind}",
                           "each item of '{field}' must be text, not {kind}"),
    "not_text": ("'{field}' phải là chữ, không phải {kind}", "'{field}' must be text, not {kind}"),
    "not_bool": ("'{field}' phải là true hoặc false", "'{field}' must be true or false"),
    "bad_slug": ("'slug' chỉ được gồm chữ thường không dấu, số và dấu '-': '{value}'",
                 "'slug' may hold only lower-case ASCII letters, digits and '-': '{value}'"),
    "empty_slug": ("không tạo được địa chỉ (slug) từ tiêu đề; thêm dòng 'slug: ten-bai-viet'",
                   "cannot make a URL slug from the title; add a line 'slug: article-name'"),
    "generated_page": ("một trang giaoban tự tạo", "a page giaoban makes itself"),
    "duplicate_url": ("địa chỉ {url} bị trùng với {other}; đổi 'slug' của một trong hai bài",
                      "URL {url} is also produced by {other}; change the 'slug' of one of them"),
    "generated_clash": ("hai trang giaoban tự tạo cùng ở địa chỉ /{url}; đổi một trong hai ở 'urls' hoặc 'types' (index)",
                        "two pages giaoban makes itself share the address /{url}; change one of them under 'urls' or 'types' (index)"),
    "unknown_template": ("không có mẫu trang (template) '{name}'; các mẫu có sẵn: {available}",
                         "no template named '{name}'; available: {available}"),
    "template_error": ("lỗi mẫu trang: {problem}", "template error: {problem}"),
    "config_yaml": ("lỗi cú pháp YAML trong cấu hình: {problem}", "YAML syntax error in config: {problem}"),
    "config_type": ("'{field}' phải là {expected}, không phải '{value}'", "'{field}' must be {expected}, not '{value}'"),
    "expect_str": ("chữ", "text"),
    "expect_int": ("số nguyên dương", "a positive whole number"),
    "expect_bool": ("true hoặc false", "true or false"),
    "expect_dict": ("nhóm trường 'tên: giá trị'", "a mapping of 'name: value'"),
    "expect_list": ("danh sách", "a list"),
    "config_unknown": ("trường cấu hình không rõ '{field}' (bỏ qua)", "unknown config field '{field}' (ignored)"),
    "config_missing": ("không có tệp site.yaml trong {root}; dùng cấu hình mặc định",
                       "no site.yaml in {root}; building with defaults"),
    "bad_timezone": ("múi giờ '{value}' không tồn tại; ví dụ đúng: Asia/Ho_Chi_Minh",
                     "unknown timezone '{value}'; for example: Asia/Ho_Chi_Minh"),
    "bad_pattern": ("mẫu địa chỉ '{field}' phải chứa {needs}: '{value}'", "URL pattern '{field}' must contain {needs}: '{value}'"),
    "no_source": ("thư mục nguồn không tồn tại: {path}", "source directory does not exist: {path}"),
    "build_failed": ("Dựng trang thất bại: {count} lỗi. Thư mục {output} được giữ nguyên.",
                     "Build failed: {count} error(s). {output} was left unchanged."),
    "build_done": ("Đã dựng {pages} trang vào {output}: {written} tệp ghi mới, {skipped} tệp giữ nguyên, 0 lỗi, {seconds:.2f} giây.",
                   "Built {pages} pages into {output}: {written} files written, {skipped} unchanged, 0 errors, {seconds:.2f} s."),
    "output_busy": ("một lần dựng khác (tiến trình {pid}) đang ghi vào {output}; chờ nó xong rồi chạy lại, hoặc bỏ --no-wait để tự chờ",
                    "another build (process {pid}) is writing {output}; run again when it is done, or leave out --no-wait to wait for it"),
    "output_waiting": ("một lần dựng khác (tiến trình {pid}) đang ghi vào {output}; đang chờ nó xong…",
                       "another build (process {pid}) is writing {output}; waiting for it to finish…"),
    "output_write_failed": ("không ghi được vào {path}: {reason}. Trang tin cũ trong {output} được giữ nguyên; "
                            "giải phóng dung lượng đĩa hoặc cấp quyền ghi rồi dựng lại",
                            "cannot write {path}: {reason}. The previous site in {output} was left as it was; "
                            "free some disk space or make the folder writable, then build again"),
    # --- raw HTML in Markdown (sanitize.py) ---
    "html_unclosed": ("thẻ <{tag}> không được đóng; đã tự đóng ở cuối đoạn để phần sau không bị nuốt. Thêm </{tag}> vào đúng chỗ",
                      "<{tag}> is never closed; it was closed at the end of its paragraph so that what follows is kept. Add </{tag}> where it ends"),
    "html_removed_element": ("đã bỏ thẻ <{tag}> cùng nội dung bên trong (không an toàn cho người đọc)",
                             "removed <{tag}> and what it holds (not safe for readers)"),
    "html_removed_tag": ("đã bỏ thẻ <{tag}> (giữ lại chữ bên trong): thẻ này không được phép",
                         "removed the tag <{tag}> (its text is kept): it is not allowed"),
    "html_removed_attribute": ("đã bỏ thuộc tính {attribute} của thẻ <{tag}>: không được phép",
                               "removed the attribute {attribute} of <{tag}>: it is not allowed"),
    "html_removed_style": ("đã bỏ thuộc tính trình bày {properties} của thẻ <{tag}>: chỉ giữ text-align",
                           "removed the style properties {properties} of <{tag}>: only text-align is kept"),
    "html_removed_url": ("đã bỏ địa chỉ {url} ({attribute} của thẻ <{tag}>): chỉ cho phép http, https, mailto, tel và địa chỉ trong trang",
                         "removed the address {url} ({attribute} of <{tag}>): only http, https, mailto, tel and addresses within the site are allowed"),
    "html_removed_link": ("đã bỏ địa chỉ liên kết {url}: chỉ cho phép http, https, mailto, tel và địa chỉ trong trang",
                          "removed the link address {url}: only http, https, mailto, tel and addresses within the site are allowed"),
    "html_removed_embed": ("đã bỏ khung nhúng {url}: chỉ nhúng được từ các máy chủ ghi trong 'embeds:' của site.yaml (qua https)",
                           "removed the embed {url}: only hosts listed under 'embeds:' in site.yaml may be embedded (over https)"),
    # --- editor commands: new, check, serve (issue 6) ---
    "new_exists": ("tệp đã có: {path}; không ghi đè. Đổi tiêu đề hoặc mở tệp đó để sửa",
                   "file already exists: {path}; not overwritten. Change the title or edit that file"),
    "new_unknown_type": ("không có loại nội dung '{name}'; các loại: {known}", "there is no content type '{name}'; the types are: {known}"),
    "new_empty_slug": ("không tạo được tên tệp từ tiêu đề '{title}'; dùng tiêu đề có chữ cái hoặc chữ số",
                       "cannot make a file name from the title '{title}'; use letters or digits in it"),
    "check_warning": ("cảnh báo: {message}", "warning: {message}"),
    "broken_link": ("liên kết tới {url} không dẫn tới trang hay tệp nào của trang tin; sửa địa chỉ hoặc bỏ liên kết",
                    "link to {url} leads to no page or file of the site; fix the address or remove the link"),
    "broken_image": ("không có ảnh {url}; đặt ảnh vào thư mục static/ hoặc sửa đường dẫn",
                     "image {url} does not exist; put it in static/ or fix the path"),
    "link_outside_site": ("liên kết {url} nằm ngoài địa chỉ gốc {base} của trang tin",
                          "link {url} is outside the site's base path {base}"),
    "missing_alt": ("ảnh {url} thiếu mô tả (alt) cho người đọc bằng trình đọc màn hình; viết ![mô tả ảnh]({url})",
                    "image {url} has no alt text for screen reader users; write ![what the image shows]({url})"),
    "title_too_long": ("tiêu đề dài {length} ký tự, quá {limit} ký tự sẽ bị cắt trong kết quả tìm kiếm và bản tin RSS; rút gọn tiêu đề",
                       "title is {length} characters; over {limit} it is cut in search results and feeds; shorten it"),
    "summary_too_long": ("tóm tắt 'summary' dài {length} ký tự, quá {limit} ký tự sẽ bị cắt trong kết quả tìm kiếm và bản tin RSS; rút gọn",
                         "'summary' is {length} characters; over {limit} it is cut in search results and feeds; shorten it"),
    "check_done": ("Kiểm tra xong {documents} bài và trang: {errors} lỗi, {warnings} cảnh báo.",
                   "Checked {documents} articles and pages: {errors} error(s), {warnings} warning(s)."),
    "check_strict_failed": ("Có cảnh báo và đang dùng --strict: coi như lỗi.",
                            "There are warnings and --strict is on: treated as errors."),
    "links_failed": ("Đã dựng trang nhưng có {count} liên kết hỏng.", "The site was built but {count} link(s) are broken."),
    "serve_started": ("Xem trước trang tin tại {url} (bao gồm bản nháp). Nhấn Ctrl-C để dừng.",
                      "Previewing the site at {url} (drafts included). Press Ctrl-C to stop."),
    "serve_port_busy": ("không mở được cổng {host}:{port}: {reason}; thử --port khác, ví dụ --port 8001",
                        "cannot listen on {host}:{port}: {reason}; try another --port, e.g. --port 8001"),
    "port_in_use": ("cổng đang được chương trình khác dùng", "the port is used by another program"),
    "port_denied": ("không có quyền dùng cổng này", "no permission to use this port"),
    "serve_rebuilt": ("Đã dựng lại {pages} trang trong {seconds:.2f} giây.", "Rebuilt {pages} pages in {seconds:.2f} s."),
    "serve_build_failed": ("Dựng trang thất bại: {count} lỗi. Vẫn hiển thị bản dựng tốt gần nhất; sửa tệp rồi lưu lại.",
                           "Build failed: {count} error(s). Still showing the last good build; fix the file and save."),
    "serve_wrong_host": ("Máy chủ xem trước chỉ trả lời địa chỉ của chính nó (localhost hoặc địa chỉ IP).",
                         "The preview server answers only its own address (localhost or an IP address)."),
    "serve_other_preview": ("Một bản xem trước khác của trang tin này đang chạy; bản này dựng vào thư mục riêng {output}.",
                            "Another preview of this site is running; this one builds into its own folder {output}."),
    "serve_output_busy": ("thư mục {output} đang được một bản xem trước hoặc một lần dựng khác dùng; dừng nó hoặc chọn thư mục khác",
                          "{output} is in use by another preview or build; stop it or choose another folder"),
    "serve_too_many": ("đã có {count} bản xem trước của trang tin này đang chạy; dừng bớt một bản rồi thử lại",
                       "{count} previews of this site are running already; stop one and try again"),
    "serve_stopped": ("Đã dừng máy chủ xem trước.", "Preview server stopped."),
    "serve_error_title": ("Lỗi khi dựng trang", "Build error"),
    "serve_error_intro": ("Không dựng được trang tin ({count} lỗi). Sửa tệp dưới đây rồi lưu lại: trang sẽ tự tải lại.",
                          "The site could not be built ({count} error(s)). Fix the file below and save: the page reloads by itself."),
    "serve_error_stale": ("Bên dưới là bản dựng tốt gần nhất.", "Below is the last good build."),
    "serve_no_build": ("Chưa có bản dựng nào thành công.", "No build has succeeded yet."),
    # --- feeds, sitemap, search, publishing (issue 5) ---
    "default_base_url": ("chưa đặt 'base_url' trong site.yaml: nguồn tin, sơ đồ trang và thẻ chia sẻ đang trỏ tới {url}; "
                         "thêm dòng 'base_url: \"https://ten-mien.gov.vn/\"'",
                         "'base_url' is not set in site.yaml: feeds, sitemap and sharing tags point to {url}; "
                         "add a line 'base_url: \"https://your-domain.gov.vn/\"'"),
    # --- build cache and parallel rendering (issue 4) ---
    "scheduled_waiting": ("{count} bài hẹn giờ đang chờ đến ngày đăng.", "{count} scheduled article(s) waiting for their date."),
    "stage_parse": ("Đọc bài viết", "Reading content"),
    "stage_render": ("Dựng trang", "Rendering pages"),
    "cache_corrupt": ("bộ nhớ đệm {path} bị hỏng hoặc không đọc được; bỏ qua và dựng lại từ đầu",
                      "build cache {path} is damaged or unreadable; ignoring it and building from scratch"),
    # --- content types, aliases, attachments (issue 11) ---
    "type_not_mapping": ("loại nội dung '{name}' trong 'types' phải là nhóm trường (folder, url, fields ...)",
                         "content type '{name}' under 'types' must be a mapping (folder, url, fields ...)"),
    "type_unknown_key": ("loại nội dung '{name}' không có mục '{key}'; các mục dùng được: {known}",
                         "content type '{name}' has no setting '{key}'; the settings are: {known}"),
    "type_folder_taken": ("loại nội dung '{name}' dùng thư mục content/{folder}/, đã thuộc loại '{other}'; đặt 'folder' khác",
                          "content type '{name}' uses folder content/{folder}/, which type '{other}' already has; choose another 'folder'"),
    "type_unknown_feature": ("loại nội dung '{name}' có tính năng không biết: {value}; các tính năng: {known}",
                             "content type '{name}' names unknown features: {value}; the features are: {known}"),
    "type_needs_dates": ("loại nội dung '{name}' không có ngày ('dated: false') nên không thể có: {features}; thêm 'dated: true' hoặc bỏ các tính năng đó",
                         "content type '{name}' is not dated ('dated: false'), so it cannot have: {features}; add 'dated: true' or drop them"),
    "type_bad_field": ("trường '{field}' của loại '{name}' phải có kiểu là một trong: {known}",
                       "field '{field}' of type '{name}' must have one of the types: {known}"),
    "type_bad_folder": ("'folder' của loại '{name}' phải là tên một thư mục trong content/, không phải '{value}'",
                        "'folder' of type '{name}' must name one folder in content/, not '{value}'"),
    "unclaimed_folder": ("không loại nội dung nào dùng thư mục {folder}: các tệp trong đó sẽ không được đăng; "
                         "chuyển tệp vào một thư mục đã có ({known}) hoặc khai báo loại mới trong 'types' của site.yaml",
                         "no content type uses folder {folder}: its files would not be published; "
                         "move them to a known folder ({known}) or declare a type under 'types' in site.yaml"),
    "unclaimed_file": ("tệp nằm ngay trong content/ không thuộc loại nội dung nào; chuyển vào một thư mục ({known})",
                       "a file directly in content/ belongs to no content type; move it into a folder ({known})"),
    "missing_field": ("thiếu trường '{field}', bắt buộc với loại nội dung '{type}'",
                      "missing field '{field}', which content type '{type}' requires"),
    "not_number": ("'{field}' phải là một số", "'{field}' must be a number"),
    "unused_file": ("tệp này không được bài nào dùng làm tệp đính kèm ('attachments') nên sẽ không được đăng",
                    "no document lists this file under 'attachments', so it will not be published"),
    "attachment_missing": ("không có tệp đính kèm '{file}' (tìm ở {path}); kiểm tra tên tệp hoặc chép tệp vào cạnh bài viết",
                           "attachment '{file}' does not exist (looked for {path}); check its name or copy it beside the article"),
    "attachment_bad": ("mỗi mục của 'attachments' phải là tên tệp hoặc nhóm 'file: ..., title: ...', không phải {kind}",
                       "each item of 'attachments' must be a file name or 'file: ..., title: ...', not {kind}"),
    "attachment_clash": ("tệp đính kèm {file} sẽ được đăng ở {url}, nơi đã có {other}; đổi tên một trong hai tệp",
                         "attachment {file} would be published at {url}, where {other} already is; rename one of the files"),
    "attachment_outside": ("tệp đính kèm '{file}' nằm ngoài thư mục content/", "attachment '{file}' is outside content/"),
    "bad_placeholder": ("mẫu địa chỉ '{field}' có chỗ thay thế không dùng được: '{value}'; chỉ dùng {known}",
                        "URL pattern '{field}' has a placeholder it cannot fill: '{value}'; use only {known}"),
    "alias_outside": ("địa chỉ cũ '{alias}' trong 'aliases' không thuộc trang này ({base}); chỉ chuyển hướng được địa chỉ trong trang",
                      "old URL '{alias}' under 'aliases' is not on this site ({base}); only addresses of the site can redirect"),
    "alias_query": ("địa chỉ cũ '{alias}' có phần '?...': trang tĩnh không phân biệt được các địa chỉ chỉ khác nhau ở phần đó; "
                    "dùng dạng đường dẫn của địa chỉ cũ",
                    "old URL '{alias}' has a '?...' query: a static host cannot tell addresses apart by it; use the old address's path form"),
    "alias_taken": ("địa chỉ cũ '{alias}' trong 'aliases' trùng với {what} của {other}; bỏ một trong hai",
                    "old URL '{alias}' under 'aliases' is also {what} of {other}; remove one of them"),
    "alias_made": ("địa chỉ cũ '{alias}' trong 'aliases' là địa chỉ của một trang hoặc tệp giaoban tự tạo; bỏ nó khỏi 'aliases'",
                   "old URL '{alias}' under 'aliases' is the address of a page or file giaoban makes itself; remove it from 'aliases'"),
    "alias_page": ("một trang", "a page"),
    "alias_alias": ("một địa chỉ cũ", "an old URL"),
    "alias_same": ("địa chỉ cũ '{alias}' trùng với địa chỉ hiện tại của bài; bỏ nó khỏi 'aliases'",
                   "old URL '{alias}' is the document's own URL; remove it from 'aliases'"),
}

_KINDS = {
    "vi": {"list": "danh sách", "dict": "nhóm trường", "int": "số", "float": "số", "bool": "đúng/sai",
           "NoneType": "giá trị trống", "str": "chữ", "date": "ngày", "datetime": "ngày giờ"},
    "en": {"list": "a list", "dict": "a mapping", "int": "a number", "float": "a number", "bool": "true/false",
           "NoneType": "an empty value", "str": "text", "date": "a date", "datetime": "a date and time"},
}


def language() -> str:
    """The message language: GIAOBAN_LANG=en gives English, anything else Vietnamese."""
    return "en" if os.environ.get("GIAOBAN_LANG", "vi").lower().startswith("en") else "vi"


def msg(key: str, **values: object) -> str:
    """The message ``key`` in the current language, filled with ``values``."""
    vi, en = MESSAGES[key]
    return (en if language() == "en" else vi).format(**values)


def kind_of(value: object) -> str:
    """A plain-words name of a YAML value's type ("danh sách", "số" ...)."""
    name = type(value).__name__
    return _KINDS[language()].get(name, name)
