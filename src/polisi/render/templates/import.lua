-- polisi import: keep a converted Word document to Markdown that renders the
-- same in Python-Markdown (the site, the PDFs and Word export) as in GitHub.

-- Word gives every picture a size; a sized image can only be written as raw
-- HTML, so the size is dropped and the picture keeps its natural width.
function Image(image)
  image.attr = pandoc.Attr()
  return image
end

-- A captioned picture becomes a paragraph holding the image; the caption
-- survives as its alt text (Word copies the caption there when there is none).
function Figure(figure)
  local blocks = {}
  for _, block in ipairs(figure.content) do
    if block.t == "Plain" then
      table.insert(blocks, pandoc.Para(block.content))
    else
      table.insert(blocks, block)
    end
  end
  return blocks
end

-- Word bookmarks, styles and character formats that Markdown cannot carry
-- are unwrapped so no stray <span> or <div> is left in the text.
function Span(span)
  if span.identifier ~= "" then
    return nil -- a bookmark: Para below keeps it as an anchor, other blocks unwrap it
  end
  return span.content
end

local function unwrap_spans(block)
  return block:walk({ Span = function(span) return span.content end })
end

Plain = unwrap_spans
Header = unwrap_spans

-- A bookmark on an ordinary paragraph (Word: Insert > Bookmark) is what links to
-- "#Definitions" point at. Python-Markdown gives a paragraph an id from an
-- attribute list on its last line, so the bookmark becomes "{: #Definitions }".
-- Word's hidden bookmarks (_Toc..., _Ref...) and names Python-Markdown cannot
-- carry are dropped.
function Para(para)
  local ids = {}
  local content = para.content:walk({
    Span = function(span)
      if span.identifier ~= "" and span.identifier:match("^[%w][%w_-]*$") then
        table.insert(ids, "#" .. span.identifier)
      end
      return span.content
    end,
  })
  if #ids == 0 then
    return nil
  end
  content:insert(pandoc.RawInline("markdown", "\n{: " .. table.concat(ids, " ") .. " }"))
  return pandoc.Para(content)
end

-- Lettered and roman lists: GitHub Markdown writes only numbers, so a comment
-- before the list keeps its style, and tidy.py writes the letters back. A list
-- Word numbers "(a)" is written "a)" (the Markdown renderer reads no opening
-- bracket); another comment lets tidy.py count them for the import report.
local LIST_STYLES = { LowerAlpha = "a", UpperAlpha = "A", LowerRoman = "i", UpperRoman = "I" }

function OrderedList(list)
  local out = {}
  if list.delimiter == "TwoParens" then
    table.insert(out, pandoc.RawBlock("html", "<!-- polisi: list in brackets -->"))
  end
  local style = LIST_STYLES[list.style]
  if style ~= nil then
    local delimiter = (list.delimiter == "OneParen" or list.delimiter == "TwoParens") and ")" or "."
    table.insert(out, pandoc.RawBlock("html", "<!-- polisi: list " .. style .. delimiter .. " -->"))
  end
  if #out == 0 then
    return nil
  end
  table.insert(out, list)
  return out
end

function Div(div)
  return div.content
end

function Underline(underline)
  return underline.content
end

function SmallCaps(caps)
  return caps.content
end

-- Python-Markdown has neither GitHub's "~~" nor a backslash line break.
function Strikeout(strike)
  local out = { pandoc.RawInline("html", "<del>") }
  for _, inline in ipairs(strike.content) do
    table.insert(out, inline)
  end
  table.insert(out, pandoc.RawInline("html", "</del>"))
  return out
end

function LineBreak()
  return pandoc.RawInline("html", "<br>")
end

-- Links to Word's hidden bookmarks (_Toc..., _Ref...) have no target in the
-- Markdown; keep their text.
function Link(link)
  if link.target:match("^#_") then
    return link.content
  end
  return link
end

-- Column widths from Word are layout for one page size; kept, they squeeze a
-- narrow column until its words break in the middle ("Consequ-ence") on the
-- printed page. Without them every output sizes columns to their contents.
function Table(tbl)
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = { spec[1], pandoc.ColWidthDefault }
  end
  return tbl
end

-- Paragraphs that premark.py marked before pandoc read the file: one that
-- continues a list item (Word gives it an invisible bullet, so pandoc reads a
-- bullet of its own) goes back into the item, and the list it parted is joined
-- again; the title and body of an admonition become its "!!!" block again.
local MARK = "\u{E000}"
local MARKER = "^" .. MARK .. "([%w:+_%-]+)" .. MARK .. "(.*)$"

local function take_mark(block)
  if (block.t ~= "Para" and block.t ~= "Plain") or #block.content == 0 or block.content[1].t ~= "Str" then
    return nil
  end
  local name, rest = block.content[1].text:match(MARKER)
  if name == nil then
    return nil
  end
  local content = block.content:clone()
  if rest == "" then
    content:remove(1)
  else
    content[1] = pandoc.Str(rest)
  end
  return name, pandoc.Para(content)
end

local function continuations(block)
  if block.t ~= "BulletList" then
    return nil
  end
  local paragraphs = pandoc.Blocks({})
  for _, item in ipairs(block.content) do
    local name, para = nil, nil
    if #item == 1 then
      name, para = take_mark(item[1])
    end
    if name ~= "continues" then
      return nil
    end
    paragraphs:insert(para)
  end
  return paragraphs
end

local function is_list(block)
  return block ~= nil and (block.t == "BulletList" or block.t == "OrderedList")
end

local function carries_on(list, after)
  if after.t ~= list.t then
    return false
  end
  return list.t == "BulletList" or (after.start == list.start + #list.content and after.style == list.style)
end

local function join_continuations(blocks)
  local out = pandoc.Blocks({})
  local continued = false
  for _, block in ipairs(blocks) do
    local last = out[#out]
    local paragraphs = continuations(block)
    if paragraphs and is_list(last) then
      local items = last.content
      items[#items]:extend(paragraphs)
      last.content = items
      continued = true
    elseif paragraphs then
      out:extend(paragraphs)
      continued = false
    elseif continued and carries_on(last, block) then
      local items = last.content
      items:extend(block.content)
      last.content = items
    else
      out:insert(block)
      continued = false
    end
  end
  return out
end

local function admonition(kind, title, body)
  local text = "!!! " .. kind .. ' "' .. title .. '"'
  if #body > 0 then
    local markdown = pandoc.write(pandoc.Pandoc(body), "gfm", { wrap_text = "wrap-none" })
    text = text .. "\n" .. markdown:gsub("\n+$", ""):gsub("[^\n]+", "    %0")
  end
  return pandoc.RawBlock("markdown", text)
end

local function gather_admonitions(blocks)
  local out = pandoc.Blocks({})
  local i = 1
  while i <= #blocks do
    local name, para = take_mark(blocks[i])
    local role, kind = (name or ""):match("^(admonition%-%a+):(.+)$")
    if role == "admonition-title" or role == "admonition-start" then
      local body = pandoc.Blocks({})
      if role == "admonition-start" then
        body:insert(para)
      end
      i = i + 1
      while i <= #blocks do
        local more, text = take_mark(blocks[i])
        if more ~= "admonition" then
          break
        end
        body:insert(text)
        i = i + 1
      end
      local title = role == "admonition-title" and pandoc.utils.stringify(para) or ""
      out:insert(admonition(kind:gsub("%+", " "), title, body))
    else
      out:insert(blocks[i])
      i = i + 1
    end
  end
  return out
end

function Blocks(blocks)
  return join_continuations(gather_admonitions(blocks))
end

-- A marker left where its structure could not be rebuilt goes; the text stays.
function Pandoc(doc)
  return doc:walk({
    Str = function(str)
      local text = str.text:gsub(MARK .. "[%w:+_%-]+" .. MARK, "")
      if text ~= str.text then
        return pandoc.Str(text)
      end
    end,
  })
end
