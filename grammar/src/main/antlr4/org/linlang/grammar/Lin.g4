/*
 * The Lin grammar. Newlines are not significant: statements end where an expression cannot
 * continue, and `;` may separate them. The parser builds a parse tree only; compiler/ turns it into
 * the immutable AST that everything else reads.
 */
grammar Lin;

file        : item* EOF ;
item        : importDecl | definition | statement | ';' ;

// ---- imports --------------------------------------------------------------------------------
importDecl  : 'import' modulePath ('.' '{' importItem (',' importItem)* ','? '}' | '.' star='*')? ;
modulePath  : ident ('.' ident)* ;
importItem  : ident ('as' alias=ident)? ;

// ---- definitions ----------------------------------------------------------------------------
definition  : fnDecl | recurrenceDecl | blockDecl ;

fnDecl      : 'fn' ident '(' paramList? ')' ('->' type)? ('=' expr | body) ;
recurrenceDecl
            : 'recurrence' ident '(' paramList? ')' '->' type stateDecl* body ;
stateDecl   : 'state' ident ':' type ('=' expr)? ;
blockDecl   : kind=('block' | 'model') ident ('(' paramList? ')')? '{' member* '}' ;

member      : 'state' ident ':' type ('=' expr)?                 # StateMember
            | ident ':' type ('=' expr)?                         # ParamMember
            | ident '=' expr                                     # FieldMember
            | 'fn'? ident '(' paramList? ')' ('->' type)? ('=' expr | body)  # MethodMember
            | ';'                                                # EmptyMember
            ;

paramList   : param (',' param)* ','? ;
param       : ident (':' type)? ('=' expr)? ;
body        : '{' statement* '}' ;

// ---- statements -----------------------------------------------------------------------------
statement   : 'let' pattern (':' type)? '=' expr                  # LetStmt
            | 'return' expr                                      # ReturnStmt
            | 'emit' expr                                        # EmitStmt
            | ident '=' expr                                     # AssignStmt
            | 'for' ident 'in' expr ('..' expr)? body            # ForStmt
            | 'if' expr body ('else' (body | ifTail))?           # IfStmt
            | expr                                               # ExprStmt
            | ';'                                                # EmptyStmt
            ;
ifTail      : 'if' expr body ('else' (body | ifTail))? ;
pattern     : ident                                              # NamePattern
            | '(' pattern (',' pattern)+ ','? ')'                # TuplePattern
            ;

// ---- expressions (alternatives listed from tightest to loosest binding) ----------------------
expr        : primary                                            # PrimaryExpr
            | expr '(' argList? ')'                              # CallExpr
            | expr '.' ident                                     # MemberExpr
            | expr '[' indexItem (',' indexItem)* ','? ']'       # IndexExpr
            | <assoc=right> expr op='**' expr                    # PowExpr
            | op='-' expr                                        # NegExpr
            | expr 'as' type                                     # AsExpr
            | expr op=('*' | '/' | '%' | '@') expr               # MulExpr
            | expr op=('+' | '-') expr                           # AddExpr
            | expr op=('==' | '!=' | '<' | '<=' | '>' | '>=') expr # CmpExpr
            | op='not' expr                                      # NotExpr
            | expr op='and' expr                                 # AndExpr
            | expr op='or' expr                                  # OrExpr
            | 'if' expr 'then' expr 'else' expr                  # IfExpr
            | 'for' ident 'in' expr ('..' expr)? ':' expr        # ForExpr
            ;

primary     : INT                                                # IntLit
            | FLOAT                                              # FloatLit
            | STRING                                             # StringLit
            | ('true' | 'false')                                 # BoolLit
            | 'none'                                             # NoneLit
            | ident                                              # NameRef
            | '(' expr ')'                                       # ParenExpr
            | '(' expr ',' (expr (',' expr)* ','?)? ')'          # TupleLit
            | '[' (expr (',' expr)* ','?)? ']'                   # ListLit
            | 'time' body                                        # TimeExpr
            ;

argList     : arg (',' arg)* ','? ;
arg         : (ident '=')? expr ;
indexItem   : '..'                                               # EllipsisIndex
            | lo=expr? ':' hi=expr? (':' step=expr?)?            # SliceIndex
            | expr                                               # SingleIndex
            ;

// ---- types ------------------------------------------------------------------------------------
type        : '(' type (',' type)+ ','? ')'                      # TupleType
            | ident? '[' (dim (',' dim)* ','?)? ']'              # TensorType
            | ident                                              # NamedType
            ;
dim         : '..'                                               # RestDim
            | dimExpr                                            # SizeDim
            ;
dimExpr     : dimExpr op=('*' | '/') dimExpr                     # DimMul
            | dimExpr op=('+' | '-') dimExpr                     # DimAdd
            | ident                                              # DimName
            | INT                                                # DimLit
            | '(' dimExpr ')'                                    # DimParen
            ;

// Contextual words: usable as names where no keyword is expected.
ident       : ID | 'state' | 'model' | 'block' | 'time' ;

// ---- lexer --------------------------------------------------------------------------------------
INT         : DIGITS ;
FLOAT       : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT ;
STRING      : '"' (ESC | ~["\\\r\n])* '"' ;
UNTERMINATED_STRING : '"' (ESC | ~["\\\r\n])* ;
ID          : [a-zA-Z_] [a-zA-Z_0-9]* ;

DOC_COMMENT : '///' ~[\r\n]* -> channel(2) ;
LINE_COMMENT: '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
// A '/*' that never closes: it may not contain '*/', or the closed form would be shorter.
UNTERMINATED_COMMENT : '/*' ( ~'*' | '*'+ ~[*/] )* '*'* EOF ;
WS          : [ \t\r\n\f]+ -> channel(HIDDEN) ;
BAD_CHAR    : . ;

fragment DIGITS   : [0-9] ([0-9_]* [0-9])? ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
fragment ESC      : '\\' . ;
